package dev.ooda.function;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One invocation's request.
 *
 * @param method  the HTTP method
 * @param path    the path as the route passes it on
 * @param query   the raw query string, or null
 * @param headers the request's headers, names in lower case (the last value of a repeated one)
 * @param body    the request's body, empty when none
 */
public record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
  public Request {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
