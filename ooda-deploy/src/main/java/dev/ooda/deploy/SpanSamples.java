package dev.ooda.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SpanApi;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The requests each version of a service served, read from the span collector's Zipkin API: the
 * gateway's SERVER spans carry the target the route chose ({@code ooda.target: catalog@v2}), its
 * status and its duration, which is what the route's weights split. A request is an error when
 * its span has an {@code error} tag or a 5xx status. Only requests through the gateway count:
 * calls between services do not pass the Deployment's weights.
 */
public final class SpanSamples {
  /** Traces asked for at most in one query. */
  static final int LIMIT = 10_000;
  private final URI collector;
  private final String gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param collector the span collector's base URL
   * @param gateway   the service name the gateway reports its spans under ({@code gateway} under {@code ooda up})
   */
  public SpanSamples(URI collector, String gateway) {
    this.collector = URI.create(collector.toString().replaceAll("/+$", ""));
    this.gateway = gateway;
  }

  /** The requests that version {@code version} of {@code service} served between {@code from} and {@code to}. */
  public List<Sample> samples(String service, String version, Instant from, Instant to) throws IOException {
    String target = service + "@" + version;
    long lookback = Math.max(1, Duration.between(from, to).toMillis());
    String q = "?serviceName=" + enc(gateway) + "&annotationQuery=" + enc("ooda.target=" + target)
        + "&endTs=" + to.toEpochMilli() + "&lookback=" + lookback + "&limit=" + LIMIT;
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(URI.create(collector + SpanApi.TRACES + q)).timeout(Duration.ofSeconds(20)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading spans");
    }
    if (r.statusCode() != 200) throw new IOException("the span collector answered " + r.statusCode() + ": " + r.body());
    long fromMicros = from.toEpochMilli() * 1000;
    long toMicros = to.toEpochMilli() * 1000;
    List<Sample> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode trace : ResourceCodec.json().readTree(r.body())) {
      for (JsonNode span : trace) {
        if (!"SERVER".equals(span.path("kind").asText())) continue;
        JsonNode tags = span.path("tags");
        if (!target.equals(tags.path("ooda.target").asText())) continue;
        long ts = span.path("timestamp").asLong();
        if (ts < fromMicros || ts > toMicros || !seen.add(span.path("traceId").asText() + span.path("id").asText())) continue;
        int status = tags.path("http.status_code").asInt(0);
        out.add(new Sample(span.path("duration").asLong(), tags.has("error") || status >= 500));
      }
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
