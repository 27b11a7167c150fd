package dev.ooda.trace;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.storage.QueryRequest;

/**
 * Where the collector keeps spans: ingest writes through it, and the Zipkin query API and the
 * per-service views read through it. {@link BoundedSpanStore} (in memory, the default) and
 * {@link CassandraTraceStore} (Zipkin's Cassandra storage) implement it. Queries answer as zipkin2's
 * {@code SpanStore} methods of the same name; they may block, so callers run them off the event loops.
 */
interface TraceStore extends AutoCloseable {
  /**
   * Stores a decoded, checked batch. Completes when stored; fails (a {@code ProblemException}) when
   * the storage cannot take it. Called on an event loop, so it must not block.
   */
  CompletableFuture<Void> accept(List<Span> batch);

  /** The most spans one batch may hold; larger batches are refused before {@link #accept}. */
  int maxBatchSpans();

  List<String> getServiceNames();

  List<String> getSpanNames(String service);

  List<String> getRemoteServiceNames(String service);

  List<String> getValues(String key);

  List<List<Span>> getTraces(QueryRequest request);

  List<Span> getTrace(String traceId);

  List<List<Span>> getTraces(Iterable<String> traceIds);

  List<DependencyLink> getDependencies(long endTs, long lookback);

  /**
   * Each trace with a span timestamp in {@code [endTs - lookback, endTs]} (millis), latest first,
   * its spans as {@link #getTrace} gives them: what the neighborhood view links.
   */
  void forEachTrace(long endTs, long lookback, Consumer<List<Span>> visitor);

  /**
   * The requests of one (lower-case) service: its SERVER and CONSUMER spans starting in
   * {@code [beginMicros, endMicros)}, what the RED view counts.
   */
  void countRequests(String service, long beginMicros, long endMicros, RequestSink sink);

  interface RequestSink {
    void request(long timestampMicros, boolean error, long durationMicros);
  }

  /** Releases connections; the in-memory store holds none. */
  @Override
  default void close() {}
}
