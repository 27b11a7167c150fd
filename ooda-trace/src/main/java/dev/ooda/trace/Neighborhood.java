package dev.ooda.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The services around one service: callers up to {@code hops} calls upstream, callees up to
 * {@code hops} calls downstream, and the calls between them in the time window
 * {@code [endTs - lookback, endTs]} (epoch millis).
 */
public record Neighborhood(String service, int hops, long endTs, long lookback, List<Node> nodes, List<Edge> edges) {

  /**
   * A service and how many calls away it is on each side; null where it is not reached on that
   * side, 0 for the service in focus.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(String name, Integer upstream, Integer downstream) {}

  /**
   * Calls from {@code parent} to {@code child}: count, rate over the window, share that failed,
   * and latency percentiles in milliseconds (null when no call carried a duration).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Edge(String parent, String child, long calls, long errors, double callsPerSecond,
      double errorRate, Double p50Ms, Double p95Ms, Double p99Ms) {}
}
