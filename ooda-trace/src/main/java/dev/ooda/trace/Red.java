package dev.ooda.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Rate, errors and duration of the requests one service handled (its SERVER and CONSUMER spans),
 * over {@code [endTs - lookback, endTs)} in windows of {@code step} millis, oldest first.
 */
public record Red(String service, long endTs, long lookback, long step, Window total, List<Window> windows) {

  /**
   * One window {@code [start, end)} in epoch millis: requests, requests per second, failed
   * requests, their share, and latency percentiles in milliseconds (null without durations).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Window(long start, long end, long requests, double rate, long errors, double errorRate,
      Double p50Ms, Double p95Ms, Double p99Ms) {}
}
