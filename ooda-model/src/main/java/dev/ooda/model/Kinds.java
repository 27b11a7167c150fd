package dev.ooda.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Every kind ooda knows. */
public final class Kinds {
  public static final Kind<ServiceSpec> SERVICE = ServiceSpec.KIND;
  public static final Kind<RouteSpec> ROUTE = RouteSpec.KIND;

  private static final List<Kind<?>> ALL = List.of(SERVICE, ROUTE, NamespaceSpec.KIND, SecretSpec.KIND,
      FlagSpec.KIND, SegmentSpec.KIND, ExperimentSpec.KIND, DeploymentSpec.KIND, FunctionSpec.KIND);

  private Kinds() {}

  public static List<Kind<?>> all() {
    return ALL;
  }

  /** Finds a kind by its name or plural, in any case: {@code Route}, {@code route}, {@code routes}. */
  public static Optional<Kind<?>> find(String nameOrPlural) {
    if (nameOrPlural == null) return Optional.empty();
    String s = nameOrPlural.toLowerCase(Locale.ROOT);
    for (Kind<?> k : ALL) {
      if (k.name().toLowerCase(Locale.ROOT).equals(s) || k.plural().equals(s)) return Optional.of(k);
    }
    return Optional.empty();
  }

  public static String known() {
    return String.join(", ", ALL.stream().map(Kind::name).toList());
  }
}
