package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Expiry pauses when too many leases would go at once, and resumes when renewals recover. */
class SelfPreservationTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void expiryPausesWhenManyLeasesLapseTogetherAndResumesWhenRenewalsRecover() throws Exception {
    // A window shorter than the lease expiry: a lone lapse that the rule lets expire before the
    // others lapse has aged out of the window by the time the last part of the test expires one.
    Registry.Options options = new Registry.Options(0.15, 5, Duration.ofSeconds(5), Duration.ofMillis(100));
    try (TestControl t = TestControl.start(options); Watcher w = new Watcher(t.zookeeper.getConnectString())) {
      t.client().apply("kind: Service\nname: fleet\nspec: {lease: {heartbeat: 1s, expiry: 6s}}\n");
      RegistryClient client = t.registry();
      List<InstanceLease> leases = new ArrayList<>();
      for (int i = 0; i < 10; i++) leases.add(client.register("fleet", InstanceRegistration.of("10.9.0." + (i + 1), 8080)));
      Eventually.within(WAIT, () -> assertThat(w.of("fleet")).hasSize(10));

      // Four of ten (40%) stop renewing at once, as behind a partition. Their last heartbeats are
      // apart by a few milliseconds, so the first may lapse alone in one sweep: one of ten is
      // within the share and expires; the next ones pause expiry.
      List<InstanceLease> cut = leases.subList(0, 4);
      cut.forEach(InstanceLease::halt);
      Eventually.within(WAIT, () -> {
        JsonNode s = client.status();
        assertThat(s.get("selfPreservation").get("active").asBoolean()).isTrue();
        assertThat(s.get("selfPreservation").get("overdue").asInt()).isBetween(3, 4);
        assertThat(w.of("fleet")).hasSize(6 + s.get("selfPreservation").get("overdue").asInt());
      });
      // Past their expiry, the overdue ones stay listed; every node's status shows the pause.
      int overdue = client.status().get("selfPreservation").get("overdue").asInt();
      assertThat(w.of("fleet")).hasSize(6 + overdue);
      JsonNode status = client.status();
      assertThat(status.get("selfPreservation").get("sinceMillis").asLong()).isPositive();
      assertThat(status.get("nodes")).singleElement().satisfies(n -> {
        assertThat(n.get("node").asText()).isEqualTo(status.get("node").asText());
        assertThat(n.get("selfPreservation").get("active").asBoolean()).isTrue();
        assertThat(n.get("url").asText()).isEqualTo(t.control.url());
      });

      // Renewals recover (the one that expired, if any, registers again): expiry resumes.
      List<String> renewing = new CopyOnWriteArrayList<>(cut.stream().map(InstanceLease::id).toList());
      ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
      try {
        beats.scheduleAtFixedRate(() -> renewing.forEach(id -> {
          try {
            client.heartbeat("fleet", id, InstanceRegistration.of("10.9.0.1", 8080));
          } catch (RuntimeException e) {
            // the assertions below tell
          }
        }), 0, 500, TimeUnit.MILLISECONDS);
        Eventually.within(WAIT, () -> assertThat(client.status().get("selfPreservation").get("active").asBoolean()).isFalse());
        Eventually.within(WAIT, () -> {
          assertThat(w.of("fleet")).hasSize(10);
          assertThat(t.control.registry().status().leases()).isEqualTo(10);
        });

        // One of ten (10%) going is ordinary: it expires, and expiry is not paused.
        String dead = renewing.remove(0);
        Eventually.within(WAIT, () -> assertThat(w.ids("fleet")).hasSize(9).doesNotContain(dead));
        assertThat(client.status().get("selfPreservation").get("active").asBoolean()).isFalse();
      } finally {
        beats.shutdownNow();
      }
      leases.subList(4, 10).forEach(InstanceLease::close);
    }
  }

  @Test
  void theRuleCountsExpiriesWithinTheWindowAndNeedsAMinimumOfLeases() {
    SelfPreservation g = new SelfPreservation(0.15, 10, 60_000);
    // Below the minimum, everything may expire.
    assertThat(g.allow(0, 5, 5)).isTrue();
    // 1 of 20 is within 15%.
    assertThat(g.allow(1_000, 20, 1)).isTrue();
    g.expired(1_000);
    // 1 expired + 3 more of the 20 the window began with: 20% > 15%.
    assertThat(g.allow(2_000, 19, 3)).isFalse();
    assertThat(g.active()).isTrue();
    assertThat(g.state().expiredInWindow()).isEqualTo(1);
    // Renewals recover: 1 + 1 of 20 is within the share again.
    assertThat(g.allow(3_000, 19, 1)).isTrue();
    assertThat(g.active()).isFalse();
    // Expiries older than the window no longer count.
    g.expired(4_000);
    g.expired(4_000);
    assertThat(g.allow(5_000, 17, 2)).isFalse();
    assertThat(g.allow(70_000, 17, 2)).isTrue();
  }
}
