package dev.ooda.access;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What an access check decided about one call, with enough to explain it: the rules it looked at
 * and, when it refused, the rule that came nearest to allowing the call.
 *
 * @param id           random, so a refusal's log line, metric exemplar, span tag and problem detail
 *                     can be matched up; empty for allowed calls, which are not logged
 * @param outcome      allowed, refused, or let through only because the service is in audit mode
 * @param caller       the verified calling service, or null when the call proved no identity
 * @param service      the called service (or namespace, at the data service)
 * @param mode         the called service's access mode: {@code enforce}, {@code audit} or {@code off}
 * @param rulesChecked entries of the group that were compared with the call
 * @param nearestMiss  why the call is outside the group, for refusals; null when allowed
 * @param refusal      the problem type a refusal answers with; null when allowed
 */
public record Decision(
    String id, Outcome outcome, String caller, String service, String method, String path,
    String mode, int rulesChecked, String nearestMiss, ProblemType refusal) {

  /** ALLOW and WOULD_DENY let the call through; only DENY stops it. */
  public enum Outcome {
    ALLOW("allow"), DENY("deny"), WOULD_DENY("would-deny");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** As logs, metrics and span tags write it. */
    public String label() {
      return label;
    }
  }

  static Decision allow(String caller, String service, String mode, int rulesChecked) {
    return new Decision("", Outcome.ALLOW, caller, service, null, null, mode, rulesChecked, null, null);
  }

  /** A refusal, or in audit mode a call let through that would have been refused. */
  static Decision refuse(String caller, String service, String method, String path, String mode, int rulesChecked,
                         String nearestMiss, ProblemType refusal) {
    Outcome o = "audit".equals(mode) ? Outcome.WOULD_DENY : Outcome.DENY;
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    return new Decision(id, o, caller, service, method, path, mode, rulesChecked, nearestMiss, refusal);
  }

  /** True unless the call must be refused. */
  public boolean letsThrough() {
    return outcome != Outcome.DENY;
  }

  /** The problem a refused call answers with, naming caller, service, the nearest miss and the decision. */
  public Problem problem() {
    if (refusal == null) throw new IllegalStateException("an allowed call has no problem");
    return Problem.of(refusal, explanation());
  }

  /** One sentence for people: who, whom, why, and the decision id to find the log line by. */
  public String explanation() {
    if (outcome == Outcome.ALLOW) {
      return (caller == null ? "an unidentified caller" : "service '" + caller + "'") + " may call '" + service + "'"
          + ("off".equals(mode) ? " (its access mode is off)" : "");
    }
    return (caller == null ? "a caller without a valid service token" : "service '" + caller + "'")
        + (outcome == Outcome.DENY ? " may not call '" : " would be refused by '") + service + "'"
        + (method == null ? "" : " (" + method + " " + path + ")") + ": " + nearestMiss + " [decision " + id + "]";
  }

  /** The fields of the decision's log line, in a fixed order. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("decision", id);
    m.put("outcome", outcome.label());
    m.put("caller", caller);
    m.put("service", service);
    m.put("method", method);
    m.put("path", path);
    m.put("mode", mode);
    m.put("rules_checked", rulesChecked);
    m.put("nearest_miss", nearestMiss);
    m.put("problem", refusal == null ? null : refusal.slug());
    return m;
  }
}
