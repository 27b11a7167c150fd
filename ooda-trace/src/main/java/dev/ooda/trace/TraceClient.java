package dev.ooda.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Durations;
import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SpanApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Reads traces and ooda's service views from a trace server, for the {@code ooda traces} commands.
 * Errors come back as {@link dev.ooda.model.ProblemException}.
 */
public final class TraceClient {
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** {@code base} is the server's root, e.g. {@code http://127.0.0.1:9411}. */
  public TraceClient(URI base) {
    this.base = base;
  }

  /** {@code lookback} is millis or a duration like {@code 15m}. */
  public Neighborhood neighborhood(String service, int hops, String lookback) {
    return get(SpanApi.SERVICE_VIEWS + "/" + encode(service) + "/neighborhood?hops=" + hops
        + "&lookback=" + encode(lookback), Neighborhood.class);
  }

  /** {@code lookback} and {@code step} are millis or durations like {@code 15m}. */
  public Red red(String service, String lookback, String step) {
    return get(SpanApi.SERVICE_VIEWS + "/" + encode(service) + "/red?lookback=" + encode(lookback)
        + "&step=" + encode(step), Red.class);
  }

  /** The latest traces that {@code service} took part in, newest first; {@code lookback} as above. */
  public List<List<Span>> traces(String service, String lookback, int limit) {
    long lookbackMillis = lookback.chars().allMatch(Character::isDigit) ? Long.parseLong(lookback)
        : Durations.parse(lookback).toMillis();
    byte[] body = get("/api/v2/traces?serviceName=" + encode(service) + "&lookback=" + lookbackMillis
        + "&endTs=" + System.currentTimeMillis() + "&limit=" + limit);
    try {
      List<List<Span>> traces = new ArrayList<>();
      for (JsonNode trace : ResourceCodec.json().readTree(body)) {
        traces.add(SpanBytesDecoder.JSON_V2.decodeList(ResourceCodec.json().writeValueAsBytes(trace)));
      }
      return traces;
    } catch (IOException e) {
      throw new UncheckedIOException("the trace server answered traces that do not parse: " + e.getMessage(), e);
    }
  }

  /** Every span of one trace. */
  public List<Span> trace(String traceId) {
    return SpanBytesDecoder.JSON_V2.decodeList(get("/api/v2/trace/" + encode(traceId)));
  }

  private <T> T get(String pathAndQuery, Class<T> type) {
    try {
      return ResourceCodec.json().readValue(get(pathAndQuery), type);
    } catch (IOException e) {
      throw new UncheckedIOException("the trace server's answer does not parse: " + e.getMessage(), e);
    }
  }

  private byte[] get(String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(30)).GET().build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        Problem problem = response.headers().firstValue("content-type").orElse("").startsWith(Problem.MEDIA_TYPE)
            ? ResourceCodec.json().readValue(response.body(), Problem.class)
            : Problem.httpStatus(response.statusCode(), "HTTP " + response.statusCode(),
                new String(response.body(), StandardCharsets.UTF_8));
        throw problem.toException();
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the trace server at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
