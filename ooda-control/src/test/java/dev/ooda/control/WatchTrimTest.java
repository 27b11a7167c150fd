package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

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
      Thread later = new Thread(() -> c.apply(SERVICE.formatted("after")));
      java.util.List<String> seen = new java.util.ArrayList<>();
      later.start();
      c.watch(now, n -> {
        seen.add(n.get("resource").get("name").asText());
        return false;
      });
      assertThat(seen).containsExactly("after");
    }
  }
}
