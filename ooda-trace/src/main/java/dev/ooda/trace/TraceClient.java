package dev.ooda.trace;

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

/**
 * Reads ooda's service views from a trace server, for the {@code ooda trace} commands.
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

  private <T> T get(String pathAndQuery, Class<T> type) {
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
      return ResourceCodec.json().readValue(response.body(), type);
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
