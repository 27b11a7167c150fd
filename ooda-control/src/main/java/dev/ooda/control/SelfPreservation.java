package dev.ooda.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static stability for lease expiry, like Eureka's self-preservation: when more than a share of a
 * control node's leases would expire within one window, a partition between the instances and this
 * node is more likely than that many instances dying together, so expiry pauses and the instances
 * stay listed. It resumes once renewals recover, i.e. when what would expire fits the share again.
 */
public final class SelfPreservation {
  private static final Logger log = LoggerFactory.getLogger(SelfPreservation.class);

  /**
   * @param active           expiry is paused
   * @param sinceMillis      when it paused (epoch millis), 0 when not paused
   * @param leases           leases this node holds
   * @param overdue          of those, how many are past their expiry
   * @param expiredInWindow  leases expired within the last window
   * @param threshold        the share of leases that may expire within one window
   * @param minimum          below this many leases expiry never pauses
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record State(boolean active, long sinceMillis, int leases, int overdue, int expiredInWindow, double threshold, int minimum) {}

  private final double threshold;
  private final int minimum;
  private final long windowMillis;
  private final ArrayDeque<Long> expiries = new ArrayDeque<>();
  private boolean active;
  private long sinceMillis;
  private int lastLeases;
  private int lastOverdue;

  SelfPreservation(double threshold, int minimum, long windowMillis) {
    this.threshold = threshold;
    this.minimum = minimum;
    this.windowMillis = windowMillis;
  }

  /**
   * Decides whether {@code overdue} of {@code leases} held leases may expire now.
   *
   * @return true to expire them, false while expiry is paused
   */
  synchronized boolean allow(long nowMillis, int leases, int overdue) {
    while (!expiries.isEmpty() && expiries.peekFirst() <= nowMillis - windowMillis) expiries.pollFirst();
    lastLeases = leases;
    lastOverdue = overdue;
    // The leases the window started with: those held now plus those it already expired.
    int base = leases + expiries.size();
    boolean pause = overdue > 0 && base >= minimum && expiries.size() + overdue > threshold * base;
    if (pause && !active) {
      active = true;
      sinceMillis = nowMillis;
      log.warn("self-preservation: {} of {} leases would expire within {} s (more than {}%); "
              + "a partition is more likely than a mass death, so expiry is paused until renewals recover",
          expiries.size() + overdue, base, windowMillis / 1000, Math.round(threshold * 100));
    } else if (!pause && active) {
      active = false;
      log.info("self-preservation: renewals recovered ({} of {} leases overdue); expiry resumes after {} s paused",
          overdue, leases, (nowMillis - sinceMillis) / 1000);
      sinceMillis = 0;
    }
    return !pause;
  }

  synchronized void expired(long nowMillis) {
    expiries.addLast(nowMillis);
  }

  synchronized boolean active() {
    return active;
  }

  synchronized State state() {
    return new State(active, sinceMillis, lastLeases, lastOverdue, expiries.size(), threshold, minimum);
  }
}
