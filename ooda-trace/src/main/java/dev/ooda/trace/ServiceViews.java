package dev.ooda.trace;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The focused views of one service, computed from the stored spans on each request. */
final class ServiceViews {
  static final int MAX_HOPS = 10;
  static final int MAX_WINDOWS = 1440;

  private final TraceStore store;

  ServiceViews(TraceStore store) {
    this.store = store;
  }

  /**
   * Calls are found in the traces that have a span in the window, as for
   * {@code /api/v2/dependencies}, so call and error counts equal its link counts. An edge is in
   * the view when its parent is fewer than {@code hops} calls downstream of the service, or its
   * child fewer than {@code hops} calls upstream.
   */
  Neighborhood neighborhood(String service, int hops, long endTs, long lookback) {
    if (hops < 1 || hops > MAX_HOPS) throw invalid("hops must be between 1 and " + MAX_HOPS);
    checkWindow(endTs, lookback);
    String focus = service.toLowerCase(Locale.ROOT);

    Map<List<String>, Calls> calls = new LinkedHashMap<>();
    EdgeLinker linker = new EdgeLinker();
    store.forEachTrace(endTs, lookback, trace -> linker.putTrace(trace, (parent, child, error, micros) ->
        calls.computeIfAbsent(List.of(parent, child), k -> new Calls()).add(error, micros)));
    Map<String, List<List<String>>> byParent = new HashMap<>();
    Map<String, List<List<String>>> byChild = new HashMap<>();
    for (List<String> edge : calls.keySet()) {
      byParent.computeIfAbsent(edge.get(0), k -> new ArrayList<>()).add(edge);
      byChild.computeIfAbsent(edge.get(1), k -> new ArrayList<>()).add(edge);
    }
    if (!byParent.containsKey(focus) && !byChild.containsKey(focus)
        && !store.getServiceNames().contains(focus)) {
      throw Problem.notFound("no spans of service '" + focus + "'").toException();
    }

    Set<List<String>> chosen = new LinkedHashSet<>();
    Map<String, Integer> downstream = walk(focus, hops, byParent, 1, chosen);
    Map<String, Integer> upstream = walk(focus, hops, byChild, 0, chosen);

    Set<String> names = new LinkedHashSet<>();
    names.add(focus);
    names.addAll(upstream.keySet());
    names.addAll(downstream.keySet());
    List<Neighborhood.Node> nodes = new ArrayList<>();
    for (String name : names) nodes.add(new Neighborhood.Node(name, upstream.get(name), downstream.get(name)));

    double seconds = lookback / 1000.0;
    List<Neighborhood.Edge> edges = new ArrayList<>();
    for (List<String> edge : chosen) {
      Calls c = calls.get(edge);
      edges.add(new Neighborhood.Edge(edge.get(0), edge.get(1), c.count, c.errors, c.count / seconds,
          (double) c.errors / c.count, c.percentileMs(50), c.percentileMs(95), c.percentileMs(99)));
    }
    edges.sort(Comparator.comparing(Neighborhood.Edge::parent).thenComparing(Neighborhood.Edge::child));
    return new Neighborhood(focus, hops, endTs, lookback, nodes, edges);
  }

  /** Breadth-first from the focus along edges; {@code next} is the index of the far end. */
  private static Map<String, Integer> walk(String focus, int hops, Map<String, List<List<String>>> edgesFrom,
      int next, Set<List<String>> chosen) {
    Map<String, Integer> distance = new LinkedHashMap<>();
    distance.put(focus, 0);
    List<String> frontier = List.of(focus);
    for (int hop = 1; hop <= hops && !frontier.isEmpty(); hop++) {
      Set<String> reached = new TreeSet<>(); // by name within a hop, so answers are stable
      for (String node : frontier) {
        for (List<String> edge : edgesFrom.getOrDefault(node, List.of())) {
          chosen.add(edge);
          String far = edge.get(next);
          if (!distance.containsKey(far)) reached.add(far);
        }
      }
      for (String far : reached) distance.put(far, hop);
      frontier = List.copyOf(reached);
    }
    distance.remove(focus);
    Map<String, Integer> result = new LinkedHashMap<>();
    result.put(focus, 0);
    result.putAll(distance);
    return result;
  }

  /**
   * Requests are the service's SERVER and CONSUMER spans whose start falls in the window; an
   * error is a span with an {@code error} tag.
   */
  Red red(String service, long endTs, long lookback, long step) {
    checkWindow(endTs, lookback);
    if (step <= 0) throw invalid("step must be positive");
    long count = (lookback + step - 1) / step;
    if (count > MAX_WINDOWS) throw invalid("lookback / step gives " + count + " windows; at most " + MAX_WINDOWS);
    String focus = service.toLowerCase(Locale.ROOT);
    if (!store.getServiceNames().contains(focus)) {
      throw Problem.notFound("no spans of service '" + focus + "'").toException();
    }

    long begin = endTs - lookback;
    Calls total = new Calls();
    Calls[] windows = new Calls[(int) count];
    for (int i = 0; i < windows.length; i++) windows[i] = new Calls();
    store.countRequests(focus, begin * 1000L, endTs * 1000L, (micros, error, duration) -> {
      windows[(int) ((micros - begin * 1000L) / (step * 1000L))].add(error, duration);
      total.add(error, duration);
    });
    List<Red.Window> result = new ArrayList<>(windows.length);
    for (int i = 0; i < windows.length; i++) {
      long start = begin + i * step;
      result.add(windows[i].window(start, Math.min(start + step, endTs)));
    }
    return new Red(focus, endTs, lookback, step, total.window(begin, endTs), result);
  }

  private static void checkWindow(long endTs, long lookback) {
    if (endTs <= 0) throw invalid("endTs must be positive epoch milliseconds");
    if (lookback <= 0) throw invalid("lookback must be positive");
  }

  private static RuntimeException invalid(String detail) {
    return Problem.of(ProblemType.INVALID, detail).toException();
  }

  /** Counts and durations (micros) of calls. */
  static final class Calls {
    long count;
    long errors;
    private long[] durations = new long[8];
    private int size;
    private boolean sorted;

    void add(boolean error, long durationMicros) {
      count++;
      if (error) errors++;
      if (durationMicros <= 0) return;
      if (size == durations.length) durations = Arrays.copyOf(durations, size * 2);
      durations[size++] = durationMicros;
      sorted = false;
    }

    /** Nearest-rank percentile in milliseconds, or null without durations. */
    Double percentileMs(int p) {
      if (size == 0) return null;
      if (!sorted) {
        Arrays.sort(durations, 0, size);
        sorted = true;
      }
      int rank = (int) Math.ceil(p / 100.0 * size);
      return durations[Math.max(rank, 1) - 1] / 1000.0;
    }

    Red.Window window(long start, long end) {
      double seconds = (end - start) / 1000.0;
      return new Red.Window(start, end, count, count / seconds, errors,
          count == 0 ? 0.0 : (double) errors / count, percentileMs(50), percentileMs(95), percentileMs(99));
    }
  }
}
