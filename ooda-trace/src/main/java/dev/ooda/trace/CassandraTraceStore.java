package dev.ooda.trace;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import zipkin2.Call;
import zipkin2.Callback;
import zipkin2.CheckResult;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.internal.DependencyLinker;
import zipkin2.storage.QueryRequest;
import zipkin2.storage.cassandra.CassandraStorage;
import zipkin2.storage.cassandra.internal.SessionBuilder;

/**
 * Spans in Cassandra through Zipkin's own Cassandra storage, its schema and its queries, so the
 * Zipkin API answers as Zipkin's server does on Cassandra (strict trace ids, search on).
 *
 * <p>Zipkin fills its dependency table with a batch job ({@code zipkin-dependencies}); here
 * {@code /api/v2/dependencies} and the neighborhood view link the traces read back for the window
 * instead, with zipkin2's {@code DependencyLinker} rules, at most {@link #MAX_LINKED_TRACES} of
 * them, latest first, read {@link #TRACES_PER_READ} at a time.
 */
final class CassandraTraceStore implements TraceStore {
  /** Traces linked for a dependency or neighborhood answer, or counted for a RED answer. */
  static final int MAX_LINKED_TRACES = 10_000;
  /** Traces per query while reading a window back: bounds the spans held at once. */
  static final int TRACES_PER_READ = 500;

  private final CassandraStorage storage;
  private final String where;

  /** Connects, creates Zipkin's schema where missing, and checks the storage answers. */
  CassandraTraceStore(TraceOptions options) {
    where = "Cassandra at " + options.contactPoints() + " (datacenter " + options.localDc() + ", keyspace "
        + options.keyspace() + ")";
    storage = CassandraStorage.newBuilder()
        .contactPoints(options.contactPoints())
        .localDc(options.localDc())
        .keyspace(options.keyspace())
        .strictTraceId(true)
        .searchEnabled(true)
        .autocompleteKeys(options.autocompleteKeys())
        .ensureSchema(false) // Zipkin's own check fails on Cassandra 5: see ZipkinCassandraSchema
        .sessionFactory(s -> {
          try (CqlSession schema = SessionBuilder.buildSession(options.contactPoints(), options.localDc(), Map.of(),
              null, false)) {
            ZipkinCassandraSchema.ensure(schema, options.keyspace());
          }
          return CassandraStorage.SessionFactory.DEFAULT.create(s);
        })
        .build();
    CheckResult check = storage.check();
    if (!check.ok()) {
      storage.close();
      Throwable cause = check.error();
      throw new IllegalStateException("cannot use " + where + ": " + message(cause), cause);
    }
  }

  @Override
  public CompletableFuture<Void> accept(List<Span> batch) {
    CompletableFuture<Void> stored = new CompletableFuture<>();
    try {
      storage.spanConsumer().accept(batch).enqueue(new Callback<>() {
        @Override
        public void onSuccess(Void value) {
          stored.complete(null);
        }

        @Override
        public void onError(Throwable t) {
          stored.completeExceptionally(unavailable("did not store the batch", t));
        }
      });
    } catch (RuntimeException e) {
      stored.completeExceptionally(unavailable("did not store the batch", e));
    }
    return stored;
  }

  /** Batches are bounded by bytes ({@code maxRequestBytes}) alone. */
  @Override
  public int maxBatchSpans() {
    return Integer.MAX_VALUE;
  }

  @Override
  public List<String> getServiceNames() {
    return new ArrayList<>(run(storage.serviceAndSpanNames().getServiceNames()));
  }

  @Override
  public List<String> getSpanNames(String service) {
    return new ArrayList<>(run(storage.serviceAndSpanNames().getSpanNames(service)));
  }

  @Override
  public List<String> getRemoteServiceNames(String service) {
    return new ArrayList<>(run(storage.serviceAndSpanNames().getRemoteServiceNames(service)));
  }

  @Override
  public List<String> getValues(String key) {
    return new ArrayList<>(run(storage.autocompleteTags().getValues(key)));
  }

  @Override
  public List<List<Span>> getTraces(QueryRequest request) {
    return run(storage.spanStore().getTraces(request));
  }

  @Override
  public List<Span> getTrace(String traceId) {
    return run(storage.traces().getTrace(traceId));
  }

  @Override
  public List<List<Span>> getTraces(Iterable<String> traceIds) {
    return run(storage.traces().getTraces(traceIds));
  }

  @Override
  public List<DependencyLink> getDependencies(long endTs, long lookback) {
    if (endTs <= 0) throw new IllegalArgumentException("endTs <= 0");
    if (lookback <= 0) throw new IllegalArgumentException("lookback <= 0");
    DependencyLinker linker = new DependencyLinker();
    forEachTrace(endTs, lookback, linker::putTrace);
    return linker.link();
  }

  @Override
  public void forEachTrace(long endTs, long lookback, Consumer<List<Span>> visitor) {
    readBack(null, endTs, lookback, visitor);
  }

  @Override
  public void countRequests(String service, long beginMicros, long endMicros, RequestSink sink) {
    long endTs = Math.floorDiv(endMicros + 999, 1000);
    long beginTs = Math.floorDiv(beginMicros, 1000);
    readBack(service, endTs, endTs - beginTs, trace -> {
      for (Span span : trace) {
        if (!service.equals(span.localServiceName())) continue;
        if (span.kind() != Span.Kind.SERVER && span.kind() != Span.Kind.CONSUMER) continue;
        long micros = span.timestampAsLong();
        if (micros == 0L || micros < beginMicros || micros >= endMicros) continue;
        sink.request(micros, span.tags().containsKey("error"), span.durationAsLong());
      }
    });
  }

  /**
   * The traces of a window (of one service, when not null), latest first, at most
   * {@link #MAX_LINKED_TRACES}: Zipkin's trace search a page at a time, each page ending where the
   * one before it stopped. A trace is in the window when its root span starts there, as Zipkin's
   * Cassandra search decides.
   */
  private void readBack(String service, long endTs, long lookback, Consumer<List<Span>> visitor) {
    long beginTs = endTs - lookback;
    Set<String> seen = new HashSet<>();
    long end = endTs;
    while (seen.size() < MAX_LINKED_TRACES && end >= beginTs && end > 0) {
      int limit = Math.min(TRACES_PER_READ, MAX_LINKED_TRACES - seen.size());
      List<List<Span>> page = getTraces(QueryRequest.newBuilder().serviceName(service)
          .endTs(end).lookback(Math.max(1, end - beginTs)).limit(limit).build());
      long oldest = Long.MAX_VALUE;
      int fresh = 0;
      for (List<Span> trace : page) {
        if (trace.isEmpty() || !seen.add(trace.get(0).traceId())) continue;
        fresh++;
        oldest = Math.min(oldest, rootMillis(trace));
        visitor.accept(trace);
      }
      if (page.size() < limit) return;
      // the next page ends at the oldest root seen: traces starting in that millisecond are read
      // again and skipped; past it when the page brought nothing new
      end = fresh > 0 && oldest < end ? oldest : end - 1;
    }
  }

  /** The root span's start, else the earliest one (millis), as zipkin2's QueryRequest picks it. */
  private static long rootMillis(List<Span> trace) {
    long timestamp = 0L;
    for (Span span : trace) {
      long ts = span.timestampAsLong();
      if (ts == 0L) continue;
      if (span.parentId() == null) {
        timestamp = ts;
        break;
      }
      if (timestamp == 0L || ts < timestamp) timestamp = ts;
    }
    return timestamp / 1000L;
  }

  /** Runs a Zipkin call; a Cassandra failure becomes 503 naming the store. */
  private <V> V run(Call<V> call) {
    try {
      return call.execute();
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw unavailable("did not answer", e);
    }
  }

  private RuntimeException unavailable(String what, Throwable cause) {
    return Problem.of(ProblemType.STORE_UNAVAILABLE, where + " " + what + ": " + message(cause)).toException();
  }

  private static String message(Throwable t) {
    return t == null ? "unknown error" : t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    storage.close();
  }
}
