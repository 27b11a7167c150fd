package dev.ooda.contracts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The calls of a service matched to the operations of its contract. */
public final class Callers {
  private Callers() {}

  /**
   * {@code calls} summed per caller and operation of {@code doc}; calls that match no operation are
   * left out. Sorted by operation, then by most requests.
   */
  public static List<CallerUse> byOperation(OpenApiDocument doc, List<CallerUse> calls) {
    Map<String, List<PathTemplate>> templates = new LinkedHashMap<>();
    for (ContractOperation op : doc.operations()) {
      templates.computeIfAbsent(op.method(), m -> new ArrayList<>()).add(PathTemplate.of(op.path()));
    }
    Map<String, CallerUse> out = new LinkedHashMap<>();
    for (CallerUse c : calls) {
      List<PathTemplate> t = templates.get(c.method());
      PathTemplate match = t == null ? null : PathTemplate.find(t, c.path());
      if (match == null) continue;
      CallerUse u = new CallerUse(c.caller(), c.method(), match.template(), c.requests(), c.lastSeenMillis());
      out.merge(u.caller() + " " + u.operation(), u, CallerUse::plus);
    }
    List<CallerUse> list = new ArrayList<>(out.values());
    list.sort(Comparator.comparing(CallerUse::operation).thenComparing(Comparator.comparingLong(CallerUse::requests).reversed()));
    return List.copyOf(list);
  }

  /** The callers of {@code service}'s operations in {@code doc}, read from {@code source}. */
  public static List<CallerUse> of(CallerSource source, String service, OpenApiDocument doc, Duration window) {
    return byOperation(doc, source.calls(service, window));
  }

  /** Those of {@code uses} that called {@code method path}. */
  public static List<CallerUse> of(List<CallerUse> uses, String method, String path) {
    return uses.stream().filter(u -> u.method().equals(method) && u.path().equals(path)).toList();
  }
}
