package dev.ooda.contracts;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls of a service read from the span collector's Zipkin API: each SERVER span of the service
 * gives a call (its {@code http.method} and {@code http.path}, the caller being the service of the
 * CLIENT span it answers); for a service that reports no spans, each CLIENT span that called it
 * gives one (the path from its own tags or from the span it was made for, such as the gateway's
 * SERVER span). Counts are of the traces the collector keeps, which are sampled.
 */
public final class SpanCallers implements CallerSource {
  /** Traces read per query; the collector answers the newest first. */
  static final int LIMIT = 10_000;

  private final URI collector;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** @param collector the collector's base URL, e.g. {@code http://127.0.0.1:9411} */
  public SpanCallers(URI collector) {
    String s = collector.toString();
    this.collector = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  @Override
  public List<CallerUse> calls(String service, Duration window) {
    Map<String, JsonNode> spans = new LinkedHashMap<>();
    List<JsonNode> traces = new ArrayList<>();
    traces.addAll(traces("serviceName", service, window));
    traces.addAll(traces("remoteServiceName", service, window));
    Map<String, CallerUse> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode trace : traces) {
      Map<String, JsonNode> byId = new HashMap<>();
      for (JsonNode s : trace) byId.put(s.path("id").asText(), s);
      Set<String> answered = new HashSet<>(); // CLIENT spans the service's own SERVER span answered
      for (JsonNode s : trace) {
        if (isServerOf(s, service)) answered.add(s.path("parentId").asText());
      }
      for (JsonNode s : trace) {
        String key = s.path("traceId").asText() + "/" + s.path("id").asText() + "/" + s.path("kind").asText();
        CallerUse u = null;
        if (isServerOf(s, service)) {
          JsonNode parent = byId.get(s.path("parentId").asText());
          String caller = parent != null && "CLIENT".equals(parent.path("kind").asText())
              ? parent.path("localEndpoint").path("serviceName").asText(null) : null;
          if (caller == null) caller = s.path("remoteEndpoint").path("serviceName").asText(null);
          if (caller == null) caller = s.path("tags").path("ooda.caller").asText(null);
          u = use(caller, s, s.path("tags").path("http.path").asText(null));
        } else if ("CLIENT".equals(s.path("kind").asText()) && service.equals(s.path("remoteEndpoint").path("serviceName").asText())
            && !answered.contains(s.path("id").asText())) {
          String path = s.path("tags").path("http.path").asText(null);
          JsonNode parent = byId.get(s.path("parentId").asText());
          if (path == null && parent != null) path = parent.path("tags").path("http.path").asText(null);
          u = use(s.path("localEndpoint").path("serviceName").asText(null), s, path);
        }
        if (u != null && seen.add(key)) out.merge(u.caller() + " " + u.operation(), u, CallerUse::plus);
      }
    }
    return List.copyOf(out.values());
  }

  private static boolean isServerOf(JsonNode s, String service) {
    return "SERVER".equals(s.path("kind").asText()) && service.equals(s.path("localEndpoint").path("serviceName").asText());
  }

  private static CallerUse use(String caller, JsonNode span, String path) {
    String method = span.path("tags").path("http.method").asText(null);
    if (method == null || path == null) return null;
    return new CallerUse(caller == null || caller.isEmpty() ? "unknown" : caller, method, path, 1,
        span.path("timestamp").asLong() / 1000);
  }

  private List<JsonNode> traces(String param, String service, Duration window) {
    URI u = URI.create(collector + SpanApi.TRACES + "?" + param + "=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
        + "&lookback=" + window.toMillis() + "&endTs=" + System.currentTimeMillis() + "&limit=" + LIMIT);
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(20)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) throw new IllegalStateException("the span collector at " + collector + " answered " + r.statusCode());
      List<JsonNode> out = new ArrayList<>();
      ResourceCodec.json().readTree(r.body()).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read calls from the span collector at " + collector + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the span collector", e);
    }
  }
}
