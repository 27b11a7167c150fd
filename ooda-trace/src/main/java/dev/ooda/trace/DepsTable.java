package dev.ooda.trace;

import dev.ooda.model.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a {@link Neighborhood} as a terminal table, one row per call edge: callers first (the
 * farthest at the top), then callees (the nearest at the top), busiest first at each distance.
 *
 * <pre>
 * checkout: 1 hop each way, last 15m
 * SIDE    CALLER    CALLEE    CALLS  CALLS/S  ERRORS  P50 MS  P95 MS  P99 MS
 * up 1    gateway   checkout    120     0.13    0.8%    12.0    40.1    80.2
 * down 1  checkout  payments     80     0.09    0.0%     3.1     9.9    12.0
 * </pre>
 */
public final class DepsTable {
  private static final String[] HEADER = {"SIDE", "CALLER", "CALLEE", "CALLS", "CALLS/S", "ERRORS", "P50 MS", "P95 MS", "P99 MS"};

  private DepsTable() {}

  public static String render(Neighborhood view) {
    String window = Durations.format(Duration.ofMillis(view.lookback()));
    StringBuilder out = new StringBuilder()
        .append(view.service()).append(": ").append(view.hops()).append(view.hops() == 1 ? " hop" : " hops")
        .append(" each way, last ").append(window).append('\n');
    if (view.edges().isEmpty()) {
      return out.append("no calls to or from ").append(view.service()).append(" in the last ").append(window)
          .append('\n').toString();
    }
    Map<String, Neighborhood.Node> nodes = new HashMap<>();
    for (Neighborhood.Node node : view.nodes()) nodes.put(node.name(), node);

    List<Row> rows = new ArrayList<>();
    for (Neighborhood.Edge edge : view.edges()) {
      Neighborhood.Node parent = nodes.get(edge.parent());
      Neighborhood.Node child = nodes.get(edge.child());
      // a callee edge leaves a node on the downstream side; a caller edge enters one upstream
      int side = parent != null && parent.downstream() != null && parent.downstream() < view.hops()
          ? parent.downstream() + 1
          : -((child != null && child.upstream() != null ? child.upstream() : 0) + 1);
      rows.add(new Row(side, edge));
    }
    rows.sort(Comparator.comparingInt(Row::side)
        .thenComparing(r -> -r.edge.calls())
        .thenComparing(r -> r.edge.parent())
        .thenComparing(r -> r.edge.child()));

    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Row row : rows) {
      Neighborhood.Edge e = row.edge;
      cells.add(new String[] {
          (row.side < 0 ? "up " : "down ") + Math.abs(row.side), e.parent(), e.child(),
          Long.toString(e.calls()), format("%.2f", e.callsPerSecond()), format("%.1f%%", e.errorRate() * 100),
          ms(e.p50Ms()), ms(e.p95Ms()), ms(e.p99Ms())});
    }
    int[] widths = new int[HEADER.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) widths[i] = Math.max(widths[i], line[i].length());
    }
    for (String[] line : cells) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        if (i > 0) text.append("  ");
        boolean number = i >= 3; // numbers align right, names left
        String pad = " ".repeat(widths[i] - line[i].length());
        text.append(number ? pad + line[i] : line[i] + (i == line.length - 1 ? "" : pad));
      }
      out.append(text.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private record Row(int side, Neighborhood.Edge edge) {}

  private static String ms(Double value) {
    return value == null ? "-" : format("%.1f", value);
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
