package dev.ooda.control.client;

import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What the control plane's HTTP clients share: naming path segments and reading its errors. */
final class HttpAnswers {
  private HttpAnswers() {}

  /** The server's problem document, or one made from the status when the body is not one. */
  static Problem problem(int status, String body) {
    try {
      Problem p = ResourceCodec.json().readValue(body, Problem.class);
      if (p.detail() != null) return p;
    } catch (IOException | RuntimeException notProblem) {
      // described from the status below
    }
    return Problem.httpStatus(status, "HTTP " + status, body);
  }

  /** {@code s} percent-encoded as one path segment (or query value): spaces as %20, never '+'. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
