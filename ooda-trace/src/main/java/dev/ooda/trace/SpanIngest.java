package dev.ooda.trace;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ProblemException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import zipkin2.Span;
import zipkin2.SpanBytesDecoderDetector;
import zipkin2.codec.SpanBytesDecoder;

/**
 * {@code POST /api/v2/spans}: a list of spans in JSON v2 (the default) or proto3 (a protobuf
 * content type), optionally gzipped. A batch is stored whole or not at all: any malformed span,
 * id of the wrong length or oversize body refuses the batch with a problem and stores nothing.
 * Runs on the event loop: decoding is short, bounded work and needs no thread hop; the store
 * answers without blocking it (memory at once, Cassandra when its writes complete).
 */
final class SpanIngest implements HttpService {
  private final TraceStore store;
  private final Forwarder forwarder; // null when not forwarding
  private final TraceMetrics metrics;
  private final int maxRequestBytes;

  SpanIngest(TraceStore store, Forwarder forwarder, TraceMetrics metrics, int maxRequestBytes) {
    this.store = store;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    return HttpResponse.of(req.aggregate().thenCompose(this::accept).handle((accepted, cause) -> {
      if (cause != null) {
        Problem problem = Problems.from(cause);
        metrics.rejected(problem.slug());
        return Problems.render(problem).toHttpResponse();
      }
      metrics.accepted(accepted);
      return HttpResponse.of(HttpStatus.ACCEPTED);
    }));
  }

  /** Completes with the number of spans stored; fails with a ProblemException when the batch is refused. */
  CompletableFuture<Integer> accept(AggregatedHttpRequest request) {
    List<Span> spans;
    try {
      spans = decode(request);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (spans.isEmpty()) return CompletableFuture.completedFuture(0);
    return store.accept(spans).thenApply(stored -> {
      if (forwarder != null) forwarder.forward(spans);
      return spans.size();
    });
  }

  /** The checked spans of a batch; throws ProblemException when the batch is refused. */
  private List<Span> decode(AggregatedHttpRequest request) {
    byte[] body = body(request);
    if (body.length == 0) return List.of(); // Zipkin accepts an empty message as no spans
    MediaType type = request.contentType();
    boolean proto = type != null && type.isProtobuf();
    SpanBytesDecoder decoder = proto ? SpanBytesDecoder.PROTO3 : SpanBytesDecoder.JSON_V2;
    try {
      SpanBytesDecoderDetector.decoderForListMessage(body);
    } catch (RuntimeException e) {
      throw Problems.invalid("Expected a " + decoder + " encoded list").toException();
    }
    List<Span> spans;
    try {
      spans = decoder.decodeList(body);
    } catch (RuntimeException e) {
      throw Problems.invalid("Cannot decode " + decoder + " spans: " + e.getMessage()).toException();
    }
    String wrongIds = proto ? StrictIds.checkProto3(body) : StrictIds.checkJson(body);
    if (wrongIds != null) throw Problems.invalid(wrongIds).toException();
    if (spans.size() > store.maxBatchSpans()) {
      throw Problem.tooLarge(spans.size() + " spans in one batch; the store keeps at most " + store.maxBatchSpans())
          .toException();
    }
    return spans;
  }

  private byte[] body(AggregatedHttpRequest request) {
    byte[] raw = request.content().array();
    String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (encoding == null || encoding.equalsIgnoreCase("identity")) return raw;
    if (!encoding.equalsIgnoreCase("gzip")) {
      throw Problem.of(ProblemType.UNSUPPORTED_ENCODING,
          "Content-Encoding '" + encoding + "' is not supported; send gzip or nothing").toException();
    }
    return gunzip(raw);
  }

  /** Stops at maxRequestBytes, so a small bomb cannot fill the heap. */
  private byte[] gunzip(byte[] gzipped) {
    if (gzipped.length == 0) return gzipped;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxRequestBytes, gzipped.length * 8));
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) != -1; ) {
        if (out.size() + n > maxRequestBytes) {
          throw Problem.tooLarge("the gunzipped body is larger than " + maxRequestBytes + " bytes").toException();
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw Problems.invalid("Cannot gunzip the body: " + e.getMessage()).toException();
    }
  }
}
