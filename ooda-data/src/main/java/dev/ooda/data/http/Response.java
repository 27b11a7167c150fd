package dev.ooda.data.http;

import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import java.util.List;

/**
 * One HTTP answer, whole.
 *
 * @param status      the status code
 * @param contentType the body's media type, or null when there is no body
 * @param body        the body, empty for none
 * @param headers     further headers as name, value, name, value...
 * @param problem     the problem's slug when this answers an error, for the access log; or null
 */
public record Response(int status, String contentType, byte[] body, List<String> headers, String problem) {
  public static final String JSON = "application/json; charset=utf-8";
  private static final byte[] EMPTY = new byte[0];

  public static Response json(int status, byte[] body) {
    return new Response(status, JSON, body, List.of(), null);
  }

  public static Response empty(int status, String... headers) {
    return new Response(status, null, EMPTY, List.of(headers), null);
  }

  static Response of(Problem p) {
    return new Response(p.status(), Problem.MEDIA_TYPE, ResourceCodec.toJsonBytes(p), List.of(), p.slug());
  }
}
