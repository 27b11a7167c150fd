package dev.ooda.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.ooda.model.ResourceCodec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A small HTTP client for the tests. */
final class Http {
  private final BlockingWebClient client;

  Http(int port) {
    client = WebClient.builder("http://127.0.0.1:" + port).maxResponseLength(64 << 20).build().blocking();
  }

  /** An answer: status, headers and body. */
  record Res(AggregatedHttpResponse raw) {
    int status() {
      return raw.status().code();
    }

    String body() {
      return raw.contentUtf8();
    }

    String header(String name) {
      return raw.headers().get(name);
    }

    JsonNode json() {
      try {
        return ResourceCodec.json().readTree(body());
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + status() + "): " + body(), e);
      }
    }

    @Override
    public String toString() {
      return status() + " " + body();
    }
  }

  Res get(String path, String... headers) {
    return call(HttpMethod.GET, path, null, headers);
  }

  Res post(String path, String json, String... headers) {
    return call(HttpMethod.POST, path, json, headers);
  }

  Res put(String path, String json, String... headers) {
    return call(HttpMethod.PUT, path, json, headers);
  }

  Res patch(String path, String json, String... headers) {
    return call(HttpMethod.PATCH, path, json, headers);
  }

  Res delete(String path, String... headers) {
    return call(HttpMethod.DELETE, path, null, headers);
  }

  /** {@code headers} are name, value pairs. */
  Res call(HttpMethod method, String path, String json, String... headers) {
    RequestHeadersBuilder h = RequestHeaders.builder(method, path);
    for (int i = 0; i + 1 < headers.length; i += 2) h.add(headers[i], headers[i + 1]);
    HttpRequest req = json == null ? HttpRequest.of(h.build())
        : HttpRequest.of(h.contentType(MediaType.JSON_UTF_8).build(), HttpData.ofUtf8(json));
    return new Res(client.execute(req));
  }

  /** One path segment, percent-encoded. */
  static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
