package dev.ooda.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Instance;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The supervisor with real child processes: the example catalog service, against a real control plane. */
class SupervisorTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static Supervisor.Options options(TestControl t, Path root) {
    return Supervisor.Options.of(root, URI.create(t.control.url()), t.adminToken())
        .withStop(Duration.ofMillis(300), Duration.ofSeconds(15));
  }

  @Test
  void startsRegistersAndRestartsACrashedInstanceThenDrainsOnScaleDown() throws Exception {
    Path root = Files.createTempDirectory("ooda-deploy");
    try (TestControl t = TestControl.start(); Supervisor s = new Supervisor(options(t, root))) {
      s.scale("catalog", Catalogs.version("v1", 2, 0), 2);
      Eventually.within(START, () -> assertThat(s.ready("catalog", "v1")).isEqualTo(2));
      List<Instance> listed = t.registry().instances("catalog");
      assertThat(listed).hasSize(2).allSatisfy(i -> assertThat(i.version()).isEqualTo("v1"));
      // the platform issued the service an identity, and the instances registered with it
      assertThat(t.client().credentials("catalog").path("items")).hasSize(1);
      assertThat(root.resolve("catalog/v1-0/stdout.log")).exists();
      assertThat(root.resolve("catalog/v1-0/instance.json")).exists();

      SupervisedInstance first = s.instances("catalog").get(0);
      ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
      Eventually.within(START, () -> {
        SupervisedInstance again = s.instances("catalog").get(0);
        assertThat(again.restarts()).isEqualTo(1);
        assertThat(again.pid()).isNotEqualTo(first.pid());
        assertThat(again.state()).isEqualTo(InstanceState.READY);
      });

      s.scale("catalog", Catalogs.version("v1", 1, 0), 1);
      Eventually.within(START, () -> {
        assertThat(s.instances("catalog")).hasSize(1);
        assertThat(t.registry().instances("catalog")).hasSize(1);
      });
    }
  }

  @Test
  void aNewSupervisorAdoptsLiveInstancesAndStopsStrays() throws Exception {
    Path root = Files.createTempDirectory("ooda-deploy");
    try (TestControl t = TestControl.start()) {
      SupervisedInstance before;
      try (Supervisor s = new Supervisor(options(t, root).stopOnClose(false))) {
        s.scale("catalog", Catalogs.version("v1", 1, 0), 1);
        Eventually.within(START, () -> assertThat(s.ready("catalog", "v1")).isEqualTo(1));
        before = s.instances("catalog").get(0);
      }
      assertThat(ProcessHandle.of(before.pid())).isPresent();
      try (Supervisor s = new Supervisor(options(t, root))) {
        assertThat(s.instances("catalog")).singleElement().satisfies(i -> {
          assertThat(i.pid()).isEqualTo(before.pid());
          assertThat(i.adopted()).isTrue();
        });
        s.scale("catalog", Catalogs.version("v1", 1, 0), 1);
        Eventually.within(START, () -> assertThat(s.ready("catalog", "v1")).isEqualTo(1));
        assertThat(s.instances("catalog")).singleElement().satisfies(i -> assertThat(i.pid()).isEqualTo(before.pid()));
        assertThat(t.registry().instances("catalog")).hasSize(1);

        // no deployment wants it any more: stopped, drained out of the registry
        s.retainServices(Set.of());
        Eventually.within(START, () -> {
          assertThat(ProcessHandle.of(before.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
          assertThat(s.instances("catalog")).isEmpty();
          assertThat(t.registry().instances("catalog")).isEmpty();
        });
      }
      // a record whose process is gone is forgotten, never restarted
      try (Supervisor s = new Supervisor(options(t, root))) {
        assertThat(s.instances(null)).isEmpty();
      }
    }
  }
}
