package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.Resource;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flags with their owner, expiry and staleness: past its expiry date, or (where the control plane
 * has counted its evaluations) not evaluated for {@code staleAfter} days.
 */
final class FlagTable {
  private FlagTable() {}

  static void print(PrintWriter out, List<Resource> items, ControlClient client, int staleAfterDays, Clock clock) {
    Map<String, Instant> lastSeen = lastEvaluated(client);
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    List<List<String>> rows = new ArrayList<>();
    for (Resource r : items) {
      FlagSpec s = r.spec(FlagSpec.class);
      rows.add(List.of(r.name(), s.owner() == null ? "-" : s.owner(), s.effectiveType(),
          s.killed() ? s.defaultVariant() + " (killed)" : s.defaultVariant(), Integer.toString(s.rules().size()),
          s.expires() == null ? "-" : s.expires(), stale(s, lastSeen.get(r.name()), today, clock.instant(), staleAfterDays)));
    }
    Table.print(out, List.of("NAME", "OWNER", "TYPE", "DEFAULT", "RULES", "EXPIRES", "STALE"), rows);
  }

  /** Why a flag is stale, or {@code no}. */
  static String stale(FlagSpec s, Instant last, LocalDate today, Instant now, int staleAfterDays) {
    LocalDate exp = s.expiryDate();
    if (exp != null && exp.isBefore(today)) return "expired " + exp;
    if (last != null && Duration.between(last, now).toDays() >= staleAfterDays)
      return "unused " + Duration.between(last, now).toDays() + "d";
    return "no";
  }

  private static Map<String, Instant> lastEvaluated(ControlClient client) {
    Map<String, Instant> out = new HashMap<>();
    try {
      for (JsonNode u : client.flagUsage().path("usage")) {
        if (!u.hasNonNull("lastEvaluated")) continue;
        Instant t = Instant.parse(u.get("lastEvaluated").asText());
        out.merge(u.get("flag").asText(), t, (a, b) -> a.isAfter(b) ? a : b);
      }
    } catch (RuntimeException unknown) {
      // counts unknown: staleness from expiry alone
    }
    return out;
  }
}
