package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.control.client.ControlClient;
import dev.ooda.model.ProblemException;
import org.junit.jupiter.api.Test;

class WatchTrimTest {
  static final String SERVICE = AdminApiTest.SERVICE;

  @Test
  void aWatchFromATrimmedRevisionIsGone() throws Exception {
    try (TestControl t = TestControl.start()) {
      ControlClient c = t.client();
      for (int i = 0; i < 3; i++) c.apply(SERVICE.formatted("g" + i));
      t.control.store().trimChanges(1);
      assertThatThrownBy(() -> c.watch(0, n -> false))
          .isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(410);
            assertThat(e.problem().detail()).contains("list the resources again");
          });
      // The server goes on serving watches from revisions it still keeps.
      long now = t.control.store().revision();
      java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread watcher = new Thread(() -> {
        try {
          c.watch(now, n -> {
            seen.add(n.get("resource").get("name").asText());
            return false;
          });
        } catch (Exception e) {
          seen.add("failed: " + e);
        }
      });
      watcher.setDaemon(true);
      watcher.start();
      c.apply(SERVICE.formatted("after"));
      watcher.join(10_000);
      assertThat(seen).containsExactly("after");
    }
  }
}
