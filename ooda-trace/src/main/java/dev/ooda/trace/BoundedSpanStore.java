package dev.ooda.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.internal.DependencyLinker;
import zipkin2.storage.QueryRequest;

/**
 * Spans in memory, bounded by span count and by estimated heap bytes; when either bound is passed,
 * whole traces leave in the order they arrived.
 *
 * <p>Every query answers as zipkin2's {@code InMemoryStorage} (strict trace ids, search enabled)
 * does for the same spans: the same traces in the same order, spans de-duplicated and ordered the
 * same way, the same dependency links. That is what lets the Zipkin API answer exactly as Zipkin's
 * own server does. What differs is the cost: writers hold one lock once per batch and do a few
 * hash-map operations per span instead of several tree-map ones, and readers take no lock at all,
 * seeing each trace as an immutable snapshot, so a slow query never stalls ingest.
 */
final class BoundedSpanStore {
  /** Distinct span names, remote service names and tag values kept per service or key. */
  static final int MAX_NAMES = 10_000;

  private final int maxSpans;
  private final long maxBytes;
  private final Set<String> autocompleteKeys;

  private final ConcurrentHashMap<String, StoredTrace> traces = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServiceNames> services = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> tagValues = new ConcurrentHashMap<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  // Guarded by writeLock.
  private final ArrayDeque<StoredTrace> arrivalOrder = new ArrayDeque<>();
  private volatile int spanCount;
  private volatile long byteCount;
  private final LongAdder evictedSpans = new LongAdder();

  BoundedSpanStore(int maxSpans, long maxBytes, Collection<String> autocompleteKeys) {
    this.maxSpans = maxSpans;
    this.maxBytes = maxBytes;
    this.autocompleteKeys = Set.copyOf(autocompleteKeys);
  }

  /** One trace (all spans sharing the lower 64 bits of their trace id). */
  static final class StoredTrace {
    final String lowTraceId;
    /** Replaced, never changed, so readers need no lock. */
    volatile Span[] spans = new Span[0];
    /** Local service names of the spans, for search by service. Replaced, never changed. */
    volatile String[] services = new String[0];
    long bytes = SpanSize.TRACE; // guarded by writeLock

    StoredTrace(String lowTraceId) {
      this.lowTraceId = lowTraceId;
    }

    boolean hasService(String service) {
      for (String s : services) if (s.equals(service)) return true;
      return false;
    }
  }

  /** Names seen with one local service; dropped with its last trace, as InMemoryStorage does. */
  static final class ServiceNames {
    final Set<String> spanNames = ConcurrentHashMap.newKeySet();
    final Set<String> remoteServiceNames = ConcurrentHashMap.newKeySet();
    int traces; // guarded by writeLock
  }

  int spanCount() {
    return spanCount;
  }

  long byteCount() {
    return byteCount;
  }

  int traceCount() {
    return traces.size();
  }

  long evictedSpans() {
    return evictedSpans.sum();
  }

  int maxSpans() {
    return maxSpans;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Stores a decoded batch; spans equal to stored ones are kept once. */
  void accept(List<Span> batch) {
    if (batch.isEmpty()) return;
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span span : batch) {
      byTrace.computeIfAbsent(lowTraceId(span.traceId()), k -> new ArrayList<>(4)).add(span);
    }
    writeLock.lock();
    try {
      int spans = spanCount;
      long bytes = byteCount;
      for (Map.Entry<String, List<Span>> e : byTrace.entrySet()) {
        StoredTrace trace = traces.get(e.getKey());
        if (trace == null) {
          trace = new StoredTrace(e.getKey());
          traces.put(trace.lowTraceId, trace);
          arrivalOrder.addLast(trace);
          bytes += trace.bytes;
        }
        long before = trace.bytes;
        spans += append(trace, e.getValue());
        bytes += trace.bytes - before;
      }
      while ((spans > maxSpans || bytes > maxBytes) && !arrivalOrder.isEmpty()) {
        StoredTrace oldest = arrivalOrder.pollFirst();
        traces.remove(oldest.lowTraceId);
        spans -= oldest.spans.length;
        bytes -= oldest.bytes;
        evictedSpans.add(oldest.spans.length);
        for (String service : oldest.services) {
          ServiceNames names = services.get(service);
          if (--names.traces == 0) services.remove(service);
        }
      }
      spanCount = spans;
      byteCount = bytes;
    } finally {
      writeLock.unlock();
    }
  }

  /** Returns how many spans were added. Called under writeLock. */
  private int append(StoredTrace trace, List<Span> incoming) {
    Span[] old = trace.spans;
    Span[] next = Arrays.copyOf(old, old.length + incoming.size());
    int n = old.length;
    for (Span span : incoming) {
      if (contains(next, n, span)) continue;
      next[n++] = span;
      trace.bytes += SpanSize.estimate(span);
      index(trace, span);
    }
    trace.spans = n == next.length ? next : Arrays.copyOf(next, n);
    return n - old.length;
  }

  private static boolean contains(Span[] spans, int n, Span span) {
    String id = span.id();
    for (int i = 0; i < n; i++) {
      if (spans[i].id().equals(id) && spans[i].equals(span)) return true;
    }
    return false;
  }

  private void index(StoredTrace trace, Span span) {
    String service = span.localServiceName();
    if (service != null) {
      ServiceNames names = services.get(service);
      if (names == null) services.put(service, names = new ServiceNames());
      if (!trace.hasService(service)) {
        String[] old = trace.services;
        String[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = service;
        trace.services = next;
        names.traces++;
      }
      addBounded(names.remoteServiceNames, span.remoteServiceName());
      addBounded(names.spanNames, span.name());
    }
    if (autocompleteKeys.isEmpty()) return;
    for (Map.Entry<String, String> tag : span.tags().entrySet()) {
      if (autocompleteKeys.contains(tag.getKey())) {
        addBounded(tagValues.computeIfAbsent(tag.getKey(), k -> ConcurrentHashMap.newKeySet()),
            tag.getValue());
      }
    }
  }

  private static void addBounded(Set<String> set, String value) {
    if (value != null && set.size() < MAX_NAMES) set.add(value);
  }

  // ---- queries: each one mirrors the InMemoryStorage method of the same name ----

  List<String> getServiceNames() {
    return new ArrayList<>(services.keySet());
  }

  List<String> getSpanNames(String service) {
    ServiceNames names = service.isEmpty() ? null : services.get(service.toLowerCase(Locale.ROOT));
    return names == null ? new ArrayList<>() : new ArrayList<>(names.spanNames);
  }

  List<String> getRemoteServiceNames(String service) {
    ServiceNames names = service.isEmpty() ? null : services.get(service.toLowerCase(Locale.ROOT));
    return names == null ? new ArrayList<>() : new ArrayList<>(names.remoteServiceNames);
  }

  List<String> getValues(String key) {
    if (key.isEmpty()) throw new IllegalArgumentException("key was empty");
    Set<String> values = tagValues.get(key);
    return values == null ? new ArrayList<>() : new ArrayList<>(values);
  }

  List<List<Span>> getTraces(QueryRequest request) {
    String service = request.serviceName();
    List<List<Span>> result = new ArrayList<>();
    for (InRange trace : inRange(request.endTs(), request.lookback(), service)) {
      if (result.size() >= request.limit()) break;
      List<Span> spans = trace.spans();
      if (!request.test(spans)) continue;
      // re-run the query as now spans are strictly grouped
      for (List<Span> strict : strictByTraceId(spans)) {
        if (request.test(strict)) result.add(strict);
      }
    }
    return result;
  }

  List<Span> getTrace(String traceId) {
    traceId = Span.normalizeTraceId(traceId);
    StoredTrace trace = traces.get(lowTraceId(traceId));
    if (trace == null) return new ArrayList<>();
    List<Span> result = new ArrayList<>();
    for (Span span : ordered(trace.spans)) {
      if (span.traceId().equals(traceId)) result.add(span);
    }
    return result;
  }

  List<List<Span>> getTraces(Iterable<String> traceIds) {
    Set<String> normalized = new LinkedHashSet<>();
    for (String traceId : traceIds) normalized.add(Span.normalizeTraceId(traceId));
    Set<String> lower64Bit = new LinkedHashSet<>();
    for (String traceId : normalized) lower64Bit.add(lowTraceId(traceId));

    List<List<Span>> result = new ArrayList<>();
    for (String lowTraceId : lower64Bit) {
      StoredTrace trace = traces.get(lowTraceId);
      if (trace == null) continue;
      for (List<Span> strict : strictByTraceId(ordered(trace.spans))) {
        if (normalized.contains(strict.get(0).traceId())) result.add(strict);
      }
    }
    return result;
  }

  List<DependencyLink> getDependencies(long endTs, long lookback) {
    if (endTs <= 0) throw new IllegalArgumentException("endTs <= 0");
    if (lookback <= 0) throw new IllegalArgumentException("lookback <= 0");
    DependencyLinker linker = new DependencyLinker();
    for (InRange trace : inRange(endTs, lookback, null)) linker.putTrace(trace.spans());
    return linker.link();
  }

  /** A trace with a span in a time range, and its latest span timestamp (millis) in that range. */
  record InRange(String lowTraceId, long timestamp, Span[] stored) {
    /** The spans in InMemoryStorage's order. */
    List<Span> spans() {
      return ordered(stored);
    }
  }

  private static final Comparator<InRange> TIMESTAMP_DESCENDING = (left, right) -> {
    int result = Long.compare(right.timestamp, left.timestamp);
    return result != 0 ? result : right.lowTraceId.compareTo(left.lowTraceId);
  };

  /**
   * Traces with a span timestamp in {@code [endTs - lookback, endTs]} (millis), latest first, as
   * InMemoryStorage orders them for searches and dependency links; only those with a span of
   * {@code service} when it is not null.
   */
  List<InRange> inRange(long endTs, long lookback, String service) {
    long beginTs = endTs - lookback;
    List<InRange> result = new ArrayList<>();
    for (StoredTrace trace : traces.values()) {
      if (service != null && !trace.hasService(service)) continue;
      Span[] spans = trace.spans;
      long latest = Long.MIN_VALUE;
      for (Span span : spans) {
        long ts = span.timestampAsLong() / 1000L;
        if (ts >= beginTs && ts <= endTs && ts > latest) latest = ts;
      }
      if (latest != Long.MIN_VALUE) result.add(new InRange(trace.lowTraceId, latest, spans));
    }
    result.sort(TIMESTAMP_DESCENDING);
    return result;
  }

  /** Every stored trace, in no particular order. */
  Iterable<StoredTrace> all() {
    return traces.values();
  }

  /**
   * InMemoryStorage keeps a trace's spans in buckets by millisecond timestamp, buckets in the
   * order first seen, spans in arrival order within a bucket; answers list them that way.
   */
  static List<Span> ordered(Span[] spans) {
    if (spans.length < 3 || inBuckets(spans)) return Arrays.asList(spans);
    Map<Long, List<Span>> buckets = new LinkedHashMap<>();
    for (Span span : spans) {
      buckets.computeIfAbsent(span.timestampAsLong() / 1000L, k -> new ArrayList<>()).add(span);
    }
    List<Span> result = new ArrayList<>(spans.length);
    for (List<Span> bucket : buckets.values()) result.addAll(bucket);
    return result;
  }

  /** True when no millisecond timestamp comes back after another one has started. */
  private static boolean inBuckets(Span[] spans) {
    Set<Long> closed = spans.length > 32 ? new java.util.HashSet<>() : null;
    long previous = spans[0].timestampAsLong() / 1000L;
    for (int i = 1; i < spans.length; i++) {
      long ts = spans[i].timestampAsLong() / 1000L;
      if (ts == previous) continue;
      if (closed != null) {
        closed.add(previous);
        if (closed.contains(ts)) return false;
      } else {
        for (int j = 0; j < i - 1; j++) {
          if (spans[j].timestampAsLong() / 1000L == ts) return false;
        }
      }
      previous = ts;
    }
    return true;
  }

  static Collection<List<Span>> strictByTraceId(List<Span> spans) {
    Map<String, List<Span>> byTraceId = new LinkedHashMap<>();
    for (Span span : spans) byTraceId.computeIfAbsent(span.traceId(), k -> new ArrayList<>()).add(span);
    return byTraceId.values();
  }

  static String lowTraceId(String traceId) {
    return traceId.length() == 32 ? traceId.substring(16) : traceId;
  }
}
