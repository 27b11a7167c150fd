package dev.ooda.trace;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** What the collector counts, exposed at {@code /metrics} next to Armeria's per-route RED. */
final class TraceMetrics {
  private final MeterRegistry registry;
  private final Counter spans;
  private final Counter batches;
  final Counter forwardDropped;

  TraceMetrics(MeterRegistry registry, TraceStore storage) {
    this.registry = registry;
    spans = Counter.builder("ooda.trace.spans.accepted").description("Spans accepted").register(registry);
    batches = Counter.builder("ooda.trace.batches.accepted").description("Span batches accepted").register(registry);
    forwardDropped = Counter.builder("ooda.trace.forward.spans.dropped")
        .description("Spans not forwarded: queue full or the other server failed").register(registry);
    // what the in-memory store holds; Cassandra's own metrics tell about its tables
    if (storage instanceof BoundedSpanStore store) bindStore(registry, store);
  }

  private static void bindStore(MeterRegistry registry, BoundedSpanStore store) {
    Gauge.builder("ooda.trace.store.spans", store, BoundedSpanStore::spanCount).register(registry);
    Gauge.builder("ooda.trace.store.traces", store, BoundedSpanStore::traceCount).register(registry);
    Gauge.builder("ooda.trace.store.bytes", store, BoundedSpanStore::byteCount)
        .description("Bytes of stored spans: their encodings and index entries").baseUnit("bytes").register(registry);
    Gauge.builder("ooda.trace.store.page.bytes", store, BoundedSpanStore::pageBytes)
        .description("Heap of the pages holding stored spans, the one being filled included").baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("ooda.trace.store.evicted.spans", store, BoundedSpanStore::evictedSpans)
        .description("Spans dropped with their trace to stay within bounds").register(registry);
  }

  void accepted(int spanCount) {
    batches.increment();
    spans.increment(spanCount);
  }

  /** {@code reason} is the problem's slug, a small fixed set. */
  void rejected(String reason) {
    registry.counter("ooda.trace.batches.rejected", "reason", reason).increment();
  }
}
