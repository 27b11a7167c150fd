package dev.ooda.trace;

import dev.ooda.model.SpanApi;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.util.List;
import zipkin2.Span;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.ReporterMetrics;
import zipkin2.reporter.SpanBytesEncoder;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Sends accepted spans on to another Zipkin-compatible server. zipkin-reporter's AsyncReporter
 * queues them (bounded by count and bytes) and posts batches from its own thread, so ingest
 * never waits; when the queue is full or the other server fails, spans are dropped and counted.
 */
final class Forwarder implements AutoCloseable {
  private final URLConnectionSender sender;
  private final AsyncReporter<Span> reporter;

  Forwarder(String url, Counter dropped) {
    sender = URLConnectionSender.newBuilder().endpoint(spansEndpoint(url)).build();
    reporter = AsyncReporter.builder(sender)
        .queuedMaxSpans(100_000)
        .queuedMaxBytes(64 << 20)
        .metrics(new DropCounter(dropped))
        .build(SpanBytesEncoder.JSON_V2);
  }

  /** A base URL gets the Zipkin v2 spans path. */
  static String spansEndpoint(String url) {
    URI uri = URI.create(url);
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("forward URL needs a scheme and host: " + url);
    }
    return SpanApi.spansUrl(url);
  }

  void forward(List<Span> spans) {
    for (Span span : spans) reporter.report(span);
  }

  void flush() {
    reporter.flush();
  }

  @Override
  public void close() {
    reporter.close();
    sender.close();
  }

  private record DropCounter(Counter dropped) implements ReporterMetrics {
    @Override public void incrementSpansDropped(int quantity) {
      dropped.increment(quantity);
    }

    @Override public void incrementMessages() {}

    @Override public void incrementMessagesDropped(Throwable cause) {}

    @Override public void incrementSpans(int quantity) {}

    @Override public void incrementSpanBytes(int quantity) {}

    @Override public void incrementMessageBytes(int quantity) {}

    @Override public void updateQueuedSpans(int update) {}

    @Override public void updateQueuedBytes(int update) {}
  }
}
