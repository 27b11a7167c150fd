package dev.ooda.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.internal.DependencyLinker;
import zipkin2.storage.QueryRequest;

/**
 * Spans in memory, bounded by span count and by bytes; when either bound is passed, whole traces
 * leave in the order they arrived.
 *
 * <p>Every query answers as zipkin2's {@code InMemoryStorage} (strict trace ids, search enabled)
 * does for the same spans: the same traces in the same order, spans de-duplicated and ordered the
 * same way, the same dependency links. That is what lets the Zipkin API answer exactly as Zipkin's
 * own server does.
 *
 * <p>What differs is the cost. A stored span is its proto3 encoding in a {@link SpanPages} page
 * plus a few entries in primitive arrays (what searches filter on: time, service, kind, duration,
 * error), so a million spans are some hundred objects for the garbage collector, not tens of
 * millions. Writers hold the write lock once per batch; readers hold the read lock only to scan the
 * arrays and note where their spans lie, then decode them without it.
 */
final class BoundedSpanStore implements TraceStore {
  /** Distinct span names, remote service names and tag values kept per service or key. */
  static final int MAX_NAMES = 10_000;
  private static final int NONE = -1;
  /** Traces a long query reads per hold of the read lock. */
  private static final int TRACES_PER_STEP = 1024;

  private final int maxSpans;
  private final long maxBytes;
  private final Set<String> autocompleteKeys;

  /** Names seen with one local service; dropped with its last trace, as InMemoryStorage does. */
  static final class ServiceNames {
    final String name;
    final int id;
    final Set<String> spanNames = ConcurrentHashMap.newKeySet();
    final Set<String> remoteServiceNames = ConcurrentHashMap.newKeySet();
    int traces; // guarded by the write lock

    ServiceNames(String name, int id) {
      this.name = name;
      this.id = id;
    }
  }

  // Read without the lock: names change with the write lock held, as sets safe to read at any time.
  private final ConcurrentHashMap<String, ServiceNames> services = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> tagValues = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final LongAdder evictedSpans = new LongAdder();
  private volatile int spanCount;
  private volatile int traceCount;
  private volatile long byteCount;

  // ---- guarded by lock ----
  private final SpanPages pages = new SpanPages();
  private final Spans spans = new Spans();
  private final Traces traces = new Traces();
  /** Lower 64 bits of a trace id to the trace's sequence number. */
  private final LongLongMap traceIndex = new LongLongMap();
  private ServiceNames[] serviceById = new ServiceNames[16];
  private int[] freeServiceIds = new int[16];
  private int freeServiceIdCount;
  private int nextServiceId;
  private long[] seen = new long[16]; // per service id: the last eviction that met it
  private long visit;

  BoundedSpanStore(int maxSpans, long maxBytes, Collection<String> autocompleteKeys) {
    this.maxSpans = maxSpans;
    this.maxBytes = maxBytes;
    this.autocompleteKeys = Set.copyOf(autocompleteKeys);
  }

  int spanCount() {
    return spanCount;
  }

  /** Bytes the stored spans take: their encodings and their index entries. */
  long byteCount() {
    return byteCount;
  }

  /** Bytes of the pages holding the stored spans, the one being filled included. */
  long pageBytes() {
    lock.readLock().lock();
    try {
      return pages.sealedBytes() + SpanPages.PAGE_BYTES;
    } finally {
      lock.readLock().unlock();
    }
  }

  int traceCount() {
    return traceCount;
  }

  long evictedSpans() {
    return evictedSpans.sum();
  }

  int maxSpans() {
    return maxSpans;
  }

  @Override
  public int maxBatchSpans() {
    return maxSpans;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Stores a decoded batch at once, on the caller's thread; spans equal to stored ones are kept once. */
  @Override
  public CompletableFuture<Void> accept(List<Span> batch) {
    store(batch);
    return STORED;
  }

  private static final CompletableFuture<Void> STORED = CompletableFuture.completedFuture(null);

  /** Stores a decoded batch; spans equal to stored ones are kept once. */
  void store(List<Span> batch) {
    if (batch.isEmpty()) return;
    lock.writeLock().lock();
    try {
      int spanTotal = spanCount;
      long bytes = byteCount;
      for (Span span : batch) {
        long lowId = lowBits(span.traceId());
        long seq = traceIndex.get(lowId);
        if (seq < 0) {
          seq = traces.add(lowId);
          traceIndex.put(lowId, seq);
          bytes += SpanSize.TRACE;
        }
        int length = append(seq, span);
        if (length > 0) {
          spanTotal++;
          bytes += length + SpanSize.SPAN;
        }
      }
      while ((spanTotal > maxSpans || bytes > maxBytes || pages.sealedBytes() > maxBytes) && traces.size() > 0) {
        long oldest = traces.oldest();
        int evicted = traces.spanCount(oldest);
        spanTotal -= evicted;
        bytes -= evict(oldest) + SpanSize.TRACE + (long) evicted * SpanSize.SPAN;
        evictedSpans.add(evicted);
      }
      spanCount = spanTotal;
      byteCount = bytes;
      traceCount = traces.size();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Adds a span to a trace unless an equal one is there; returns its encoded length, or 0. */
  private int append(long seq, Span span) {
    boolean json = !SpanPages.proto3Keeps(span);
    int length = pages.write(span, json);
    byte[] page = pages.pendingPage();
    int offset = pages.pendingOffset();
    long id = lowBits(span.id());
    String serviceName = span.localServiceName();
    ServiceNames service = serviceName == null ? null : services.get(serviceName);
    boolean traceHasService = false;
    for (int s = traces.firstSpan(seq); s != NONE; s = spans.next[s]) {
      if (spans.id[s] == id && spans.length[s] == length && Arrays.equals(
          pages.page(spans.page[s]), spans.offset[s], spans.offset[s] + length, page, offset, offset + length)) {
        return 0;
      }
      if (service != null && spans.service[s] == service.id) traceHasService = true;
    }
    if (serviceName != null) {
      if (service == null) service = newService(serviceName);
      if (!traceHasService) service.traces++;
      addBounded(service.remoteServiceNames, span.remoteServiceName());
      addBounded(service.spanNames, span.name());
    }
    if (!autocompleteKeys.isEmpty()) {
      for (Map.Entry<String, String> tag : span.tags().entrySet()) {
        if (autocompleteKeys.contains(tag.getKey())) {
          addBounded(tagValues.computeIfAbsent(tag.getKey(), k -> ConcurrentHashMap.newKeySet()), tag.getValue());
        }
      }
    }
    int s = spans.add(id, span, json, service == null ? NONE : service.id, pages.commit(length), offset, length);
    traces.append(seq, s, spans);
    return length;
  }

  /** Drops the oldest trace; returns the encoded bytes of its spans. */
  private long evict(long seq) {
    long bytes = 0;
    visit++;
    for (int s = traces.firstSpan(seq), next; s != NONE; s = next) {
      next = spans.next[s];
      int service = spans.service[s];
      if (service != NONE && seen[service] != visit) {
        seen[service] = visit;
        ServiceNames names = serviceById[service];
        if (--names.traces == 0) {
          services.remove(names.name);
          serviceById[service] = null;
          if (freeServiceIdCount == freeServiceIds.length) freeServiceIds = Arrays.copyOf(freeServiceIds, freeServiceIdCount * 2);
          freeServiceIds[freeServiceIdCount++] = service;
        }
      }
      bytes += spans.length[s];
      pages.release(spans.page[s], spans.length[s]);
      spans.free(s);
    }
    traceIndex.remove(traces.lowId(seq));
    traces.removeOldest();
    return bytes;
  }

  private ServiceNames newService(String name) {
    int id = freeServiceIdCount > 0 ? freeServiceIds[--freeServiceIdCount] : nextServiceId++;
    if (id == serviceById.length) {
      serviceById = Arrays.copyOf(serviceById, id * 2);
      seen = Arrays.copyOf(seen, id * 2);
    }
    ServiceNames service = new ServiceNames(name, id);
    serviceById[id] = service;
    services.put(name, service);
    return service;
  }

  private static void addBounded(Set<String> set, String value) {
    if (value != null && set.size() < MAX_NAMES) set.add(value);
  }

  // ---- queries: each one mirrors the InMemoryStorage method of the same name ----

  @Override
  public List<String> getServiceNames() {
    return new ArrayList<>(services.keySet());
  }

  @Override
  public List<String> getSpanNames(String service) {
    ServiceNames names = service.isEmpty() ? null : services.get(service.toLowerCase(Locale.ROOT));
    return names == null ? new ArrayList<>() : new ArrayList<>(names.spanNames);
  }

  @Override
  public List<String> getRemoteServiceNames(String service) {
    ServiceNames names = service.isEmpty() ? null : services.get(service.toLowerCase(Locale.ROOT));
    return names == null ? new ArrayList<>() : new ArrayList<>(names.remoteServiceNames);
  }

  @Override
  public List<String> getValues(String key) {
    if (key.isEmpty()) throw new IllegalArgumentException("key was empty");
    Set<String> values = tagValues.get(key);
    return values == null ? new ArrayList<>() : new ArrayList<>(values);
  }

  @Override
  public List<List<Span>> getTraces(QueryRequest request) {
    String service = request.serviceName();
    List<List<Span>> result = new ArrayList<>();
    for (InRange trace : inRange(request.endTs(), request.lookback(), service)) {
      if (result.size() >= request.limit()) break;
      List<Span> spans = spans(trace);
      if (spans.isEmpty() || !request.test(spans)) continue; // empty: evicted since the scan
      // re-run the query as now spans are strictly grouped
      for (List<Span> strict : strictByTraceId(spans)) {
        if (request.test(strict)) result.add(strict);
      }
    }
    return result;
  }

  @Override
  public List<Span> getTrace(String traceId) {
    traceId = Span.normalizeTraceId(traceId);
    List<Span> result = new ArrayList<>();
    for (Span span : read(lowBits(traceId)).decode()) {
      if (span.traceId().equals(traceId)) result.add(span);
    }
    return result;
  }

  @Override
  public List<List<Span>> getTraces(Iterable<String> traceIds) {
    Set<String> normalized = new LinkedHashSet<>();
    for (String traceId : traceIds) normalized.add(Span.normalizeTraceId(traceId));
    Set<Long> lower64Bit = new LinkedHashSet<>();
    for (String traceId : normalized) lower64Bit.add(lowBits(traceId));

    List<List<Span>> result = new ArrayList<>();
    for (long lowId : lower64Bit) {
      for (List<Span> strict : strictByTraceId(read(lowId).decode())) {
        if (normalized.contains(strict.get(0).traceId())) result.add(strict);
      }
    }
    return result;
  }

  @Override
  public List<DependencyLink> getDependencies(long endTs, long lookback) {
    if (endTs <= 0) throw new IllegalArgumentException("endTs <= 0");
    if (lookback <= 0) throw new IllegalArgumentException("lookback <= 0");
    DependencyLinker linker = new DependencyLinker();
    for (InRange trace : inRange(endTs, lookback, null)) linker.putTrace(spans(trace));
    return linker.link();
  }

  @Override
  public void forEachTrace(long endTs, long lookback, Consumer<List<Span>> visitor) {
    for (InRange trace : inRange(endTs, lookback, null)) {
      List<Span> spans = spans(trace);
      if (!spans.isEmpty()) visitor.accept(spans); // empty: evicted since the scan
    }
  }

  /** A trace with a span in a time range, and its latest span timestamp (millis) in that range. */
  record InRange(long lowId, long timestamp, long seq) {}

  /** The spans of a trace found in a range, in InMemoryStorage's order; none if it has left since. */
  List<Span> spans(InRange trace) {
    return read(trace.lowId, trace.seq).decode();
  }

  private static final Comparator<InRange> TIMESTAMP_DESCENDING = (left, right) -> {
    int result = Long.compare(right.timestamp, left.timestamp);
    return result != 0 ? result : Long.compareUnsigned(right.lowId, left.lowId);
  };

  /**
   * Traces with a span timestamp in {@code [endTs - lookback, endTs]} (millis), latest first, as
   * InMemoryStorage orders them for searches and dependency links; only those with a span of
   * {@code service} when it is not null.
   */
  List<InRange> inRange(long endTs, long lookback, String service) {
    long beginTs = endTs - lookback;
    List<InRange> result = new ArrayList<>();
    scan(service, (seq, serviceId) -> {
      long min = traces.minMillis(seq);
      long max = traces.maxMillis(seq);
      if (max < beginTs || min > endTs) return;
      boolean whole = max <= endTs && min >= beginTs;
      long latest = whole ? max : Long.MIN_VALUE;
      boolean hasService = serviceId == NONE;
      if (!whole || !hasService) {
        for (int s = traces.firstSpan(seq); s != NONE; s = spans.next[s]) {
          if (spans.service[s] == serviceId) hasService = true;
          long ts = spans.timestamp[s] / 1000L;
          if (!whole && ts >= beginTs && ts <= endTs && ts > latest) latest = ts;
        }
      }
      if (hasService && latest != Long.MIN_VALUE) result.add(new InRange(traces.lowId(seq), latest, seq));
    });
    result.sort(TIMESTAMP_DESCENDING);
    return result;
  }

  /**
   * Counts the requests of one service: its SERVER and CONSUMER spans starting in
   * {@code [beginMicros, endMicros)}, read from the index alone.
   */
  @Override
  public void countRequests(String service, long beginMicros, long endMicros, RequestSink sink) {
    scan(service, (seq, serviceId) -> {
      for (int s = traces.firstSpan(seq); s != NONE; s = spans.next[s]) {
        if (spans.service[s] != serviceId) continue;
        int kind = spans.kind[s] & Spans.KIND_MASK;
        if (kind != Span.Kind.SERVER.ordinal() + 1 && kind != Span.Kind.CONSUMER.ordinal() + 1) continue;
        long micros = spans.timestamp[s];
        if (micros == 0L || micros < beginMicros || micros >= endMicros) continue;
        sink.request(micros, (spans.kind[s] & Spans.ERROR) != 0, spans.duration[s]);
      }
    });
  }

  /** Sees one stored trace, under the read lock; serviceId is NONE when the scan is not by service. */
  private interface TraceVisitor {
    void visit(long seq, int serviceId);
  }

  /**
   * Visits the traces stored when called, oldest first, holding the read lock for a few of them at
   * a time: ingest, on an event loop, never waits for more than one such step of a long query.
   * Traces evicted meanwhile are skipped; a service's id is looked up again at each step, since it
   * may change when the service leaves the store and comes back.
   */
  private void scan(String service, TraceVisitor visitor) {
    long seq = Long.MIN_VALUE;
    long stop = Long.MAX_VALUE;
    while (true) {
      lock.readLock().lock();
      try {
        int serviceId = NONE;
        if (service != null) {
          ServiceNames names = services.get(service);
          if (names == null) return;
          serviceId = names.id;
        }
        if (stop == Long.MAX_VALUE) stop = traces.next();
        seq = Math.max(seq, traces.oldest());
        long end = Math.min(stop, seq + TRACES_PER_STEP);
        if (seq >= end) return;
        for (; seq < end; seq++) visitor.visit(seq, serviceId);
      } finally {
        lock.readLock().unlock();
      }
    }
  }

  /** Where a trace's spans lie, noted under the read lock, to decode after it. */
  private record Located(byte[][] pages, int[] offsets, int[] lengths, boolean[] json, long[] timestamps) {
    static final Located NONE = new Located(new byte[0][], new int[0], new int[0], new boolean[0], new long[0]);

    /** InMemoryStorage's order: by millisecond bucket in the order first seen, else arrival. */
    List<Span> decode() {
      int n = offsets.length;
      Integer[] order = new Integer[n];
      Map<Long, Integer> bucketRank = new HashMap<>();
      int[] rank = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
        rank[i] = bucketRank.computeIfAbsent(timestamps[i] / 1000L, k -> bucketRank.size());
      }
      Arrays.sort(order, Comparator.comparingInt(i -> rank[i])); // stable: arrival order within a bucket
      List<Span> result = new ArrayList<>(n);
      for (int i : order) result.add(SpanPages.decode(pages[i], offsets[i], lengths[i], json[i]));
      return result;
    }
  }

  private Located read(long lowId) {
    return read(lowId, NONE);
  }

  /** The spans of a trace; {@code expectedSeq} is NONE, or the sequence number it must still have. */
  private Located read(long lowId, long expectedSeq) {
    lock.readLock().lock();
    try {
      long seq = traceIndex.get(lowId);
      if (seq < 0 || (expectedSeq != NONE && seq != expectedSeq)) return Located.NONE;
      int n = traces.spanCount(seq);
      Located located = new Located(new byte[n][], new int[n], new int[n], new boolean[n], new long[n]);
      int i = 0;
      for (int s = traces.firstSpan(seq); s != NONE; s = spans.next[s], i++) {
        located.pages[i] = pages.page(spans.page[s]);
        located.offsets[i] = spans.offset[s];
        located.lengths[i] = spans.length[s];
        located.json[i] = (spans.kind[s] & Spans.JSON) != 0;
        located.timestamps[i] = spans.timestamp[s];
      }
      return located;
    } finally {
      lock.readLock().unlock();
    }
  }

  static Collection<List<Span>> strictByTraceId(List<Span> spans) {
    Map<String, List<Span>> byTraceId = new LinkedHashMap<>();
    for (Span span : spans) byTraceId.computeIfAbsent(span.traceId(), k -> new ArrayList<>()).add(span);
    return byTraceId.values();
  }

  /** The lower 64 bits of a 16 or 32 character hex id, parsed without garbage. */
  static long lowBits(String hexId) {
    long result = 0;
    for (int i = Math.max(0, hexId.length() - 16); i < hexId.length(); i++) {
      result = (result << 4) | Character.digit(hexId.charAt(i), 16);
    }
    return result;
  }

  /**
   * The index entries of stored spans, in parallel arrays; a freed entry is reused. Spans of a
   * trace are chained through {@link #next} in arrival order.
   */
  static final class Spans {
    static final int KIND_MASK = 7; // Span.Kind ordinal + 1; 0 when none
    static final int ERROR = 8; // has an "error" tag
    static final int JSON = 16; // encoded as JSON v2, not proto3

    long[] id = new long[64];
    long[] timestamp = new long[64]; // micros, 0 when none
    long[] duration = new long[64]; // micros, 0 when none
    int[] service = new int[64]; // local service id or NONE
    byte[] kind = new byte[64];
    int[] page = new int[64];
    int[] offset = new int[64];
    int[] length = new int[64]; // 0 when the entry is free
    int[] next = new int[64]; // next span of the trace, or next free entry
    private int size; // entries ever used
    private int free = NONE;

    int add(long spanId, Span span, boolean json, int serviceId, int pageSeq, int pageOffset, int encodedLength) {
      int s = free;
      if (s != NONE) {
        free = next[s];
      } else {
        if (size == id.length) grow();
        s = size++;
      }
      id[s] = spanId;
      timestamp[s] = span.timestampAsLong();
      duration[s] = span.durationAsLong();
      service[s] = serviceId;
      kind[s] = (byte) ((span.kind() == null ? 0 : span.kind().ordinal() + 1)
          | (span.tags().containsKey("error") ? ERROR : 0) | (json ? JSON : 0));
      page[s] = pageSeq;
      offset[s] = pageOffset;
      length[s] = encodedLength;
      next[s] = NONE;
      return s;
    }

    void free(int s) {
      length[s] = 0;
      service[s] = NONE;
      next[s] = free;
      free = s;
    }

    private void grow() {
      int n = id.length * 2;
      id = Arrays.copyOf(id, n);
      timestamp = Arrays.copyOf(timestamp, n);
      duration = Arrays.copyOf(duration, n);
      service = Arrays.copyOf(service, n);
      kind = Arrays.copyOf(kind, n);
      page = Arrays.copyOf(page, n);
      offset = Arrays.copyOf(offset, n);
      length = Arrays.copyOf(length, n);
      next = Arrays.copyOf(next, n);
    }
  }

  /**
   * Stored traces in arrival order, in a ring of parallel arrays indexed by sequence number: the
   * oldest leaves first, so a trace's entry never moves while it is stored.
   */
  static final class Traces {
    private long[] lowId = new long[64];
    private int[] firstSpan = new int[64];
    private int[] lastSpan = new int[64];
    private int[] spanCount = new int[64];
    private long[] minMillis = new long[64];
    private long[] maxMillis = new long[64];
    private long oldest; // sequence number of the oldest trace
    private long next; // sequence number of the next trace

    int size() {
      return (int) (next - oldest);
    }

    long oldest() {
      return oldest;
    }

    long next() {
      return next;
    }

    long add(long traceLowId) {
      if (size() == lowId.length) grow();
      int i = index(next);
      lowId[i] = traceLowId;
      firstSpan[i] = NONE;
      lastSpan[i] = NONE;
      spanCount[i] = 0;
      minMillis[i] = Long.MAX_VALUE;
      maxMillis[i] = Long.MIN_VALUE;
      return next++;
    }

    void append(long seq, int s, Spans spans) {
      int i = index(seq);
      if (lastSpan[i] == NONE) {
        firstSpan[i] = s;
      } else {
        spans.next[lastSpan[i]] = s;
      }
      lastSpan[i] = s;
      spanCount[i]++;
      long millis = spans.timestamp[s] / 1000L;
      minMillis[i] = Math.min(minMillis[i], millis);
      maxMillis[i] = Math.max(maxMillis[i], millis);
    }

    void removeOldest() {
      oldest++;
    }

    long lowId(long seq) {
      return lowId[index(seq)];
    }

    int firstSpan(long seq) {
      return firstSpan[index(seq)];
    }

    int spanCount(long seq) {
      return spanCount[index(seq)];
    }

    long minMillis(long seq) {
      return minMillis[index(seq)];
    }

    long maxMillis(long seq) {
      return maxMillis[index(seq)];
    }

    private int index(long seq) {
      return (int) (seq & (lowId.length - 1));
    }

    private void grow() {
      int n = lowId.length * 2;
      long[] newLowId = new long[n];
      int[] newFirst = new int[n];
      int[] newLast = new int[n];
      int[] newCount = new int[n];
      long[] newMin = new long[n];
      long[] newMax = new long[n];
      for (long seq = oldest; seq < next; seq++) {
        int from = index(seq);
        int to = (int) (seq & (n - 1));
        newLowId[to] = lowId[from];
        newFirst[to] = firstSpan[from];
        newLast[to] = lastSpan[from];
        newCount[to] = spanCount[from];
        newMin[to] = minMillis[from];
        newMax[to] = maxMillis[from];
      }
      lowId = newLowId;
      firstSpan = newFirst;
      lastSpan = newLast;
      spanCount = newCount;
      minMillis = newMin;
      maxMillis = newMax;
    }
  }
}
