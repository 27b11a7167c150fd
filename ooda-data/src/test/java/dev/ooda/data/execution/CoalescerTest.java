package dev.ooda.data.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.model.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoalescerTest {

  @Test
  void requestsQueuedWhileABatchRunsAreTakenUpTogetherAndTheQueueIsBounded() throws Exception {
    try (Workers workers = new Workers("test", 2)) {
      CountDownLatch release = new CountDownLatch(1);
      List<List<Integer>> batches = new CopyOnWriteArrayList<>();
      Coalescer<Integer> c = new Coalescer<>(workers, 1, batch -> {
        batches.add(List.copyOf(batch));
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });

      c.add(0);   // runs alone at once, and holds the one drain this shape may have
      while (batches.isEmpty()) Thread.sleep(5);
      for (int i = 1; i <= Workers.QUEUE; i++) c.add(i);
      assertThatThrownBy(() -> c.add(-1)).isInstanceOfSatisfying(ProblemException.class,
          e -> assertThat(e.problem().status()).isEqualTo(503));

      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (batches.stream().mapToInt(List::size).sum() < Workers.QUEUE + 1 && System.nanoTime() < deadline) Thread.sleep(5);

      assertThat(batches.get(0)).containsExactly(0);
      assertThat(batches).hasSize(1 + Workers.QUEUE / Coalescer.MAX_BATCH).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(Coalescer.MAX_BATCH));
      List<Integer> all = new ArrayList<>();
      batches.forEach(all::addAll);
      assertThat(all).hasSize(Workers.QUEUE + 1).doesNotHaveDuplicates().doesNotContain(-1);

      c.add(Workers.QUEUE + 1);   // room again once drained
      while (batches.size() < 2 + Workers.QUEUE / Coalescer.MAX_BATCH) Thread.sleep(5);
      assertThat(batches.get(batches.size() - 1)).containsExactly(Workers.QUEUE + 1);
    }
  }
}
