package dev.ooda.deploy;

import dev.ooda.model.DeploymentSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Versions of the example catalog service, run from this test's classpath with {@code java -cp}. */
public final class Catalogs {
  private Catalogs() {}

  public static DeploymentSpec.Version version(String version, int instances, int failPercent) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new DeploymentSpec.Version(version,
        new DeploymentSpec.Artifact(null, java, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
            "-cp", System.getProperty("java.class.path"), "dev.ooda.examples.catalog.CatalogServer")),
        failPercent == 0 ? Map.of() : Map.of("CATALOG_FAIL_PERCENT", Integer.toString(failPercent)),
        instances, null, 96);
  }
}
