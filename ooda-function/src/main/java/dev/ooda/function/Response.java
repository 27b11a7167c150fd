package dev.ooda.function;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One invocation's answer.
 *
 * @param status  the HTTP status
 * @param headers headers to send
 * @param body    the body, empty when none
 */
public record Response(int status, Map<String, String> headers, byte[] body) {
  public Response {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** 200 with {@code text} as {@code text/plain; charset=utf-8}. */
  public static Response text(String text) {
    return new Response(200, Map.of("content-type", "text/plain; charset=utf-8"), text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code status} with a body of {@code contentType}. */
  public static Response of(int status, String contentType, byte[] body) {
    return new Response(status, Map.of("content-type", contentType), body);
  }
}
