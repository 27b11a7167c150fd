package dev.ooda.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ooda.model.ResourceCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a role records its refusals and would-be refusals: one JSON line each on the
 * {@code ooda.decisions} logger (ts, at, decision, outcome, caller, service, method, path, mode,
 * rules_checked, nearest_miss, problem), and a count per (service, outcome) that the role exports
 * as the metric {@code ooda_access_decisions_total}. Allowed calls are counted, not logged.
 */
public final class DecisionLog {
  private static final Logger log = LoggerFactory.getLogger("ooda.decisions");

  private final String at;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** @param at the role or service that decides, written in each line */
  public DecisionLog(String at) {
    this.at = at;
  }

  /** Records the decision and hands it back. */
  public Decision record(Decision d) {
    counts.computeIfAbsent(d.service() + '\0' + d.outcome().label(), k -> new LongAdder()).increment();
    if (d.outcome() != Decision.Outcome.ALLOW && log.isInfoEnabled()) log.info(line(d));
    return d;
  }

  /** The JSON line written for {@code d}. */
  public String line(Decision d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ts", Instant.now().toString());
    m.put("at", at);
    m.putAll(d.fields());
    try {
      return ResourceCodec.json().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decisions so far by service and outcome label ({@code allow}, {@code deny}, {@code would-deny}). */
  public Map<String, Map<String, Long>> counts() {
    Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
    counts.forEach((k, v) -> {
      int i = k.indexOf('\0');
      out.computeIfAbsent(k.substring(0, i), s -> new java.util.TreeMap<>()).put(k.substring(i + 1), v.sum());
    });
    return out;
  }

  /** The counts in Prometheus text format, for a role's {@code /metrics}. */
  public String prometheus() {
    StringBuilder sb = new StringBuilder("# TYPE ooda_access_decisions_total counter\n");
    counts().forEach((service, byOutcome) -> byOutcome.forEach((outcome, n) ->
        sb.append("ooda_access_decisions_total{service=\"").append(service).append("\",outcome=\"")
            .append(outcome).append("\"} ").append(n).append('\n')));
    return sb.toString();
  }
}
