package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import io.netty.handler.codec.http.HttpUtil;

/** Reads the declared body length and refuses bodies larger than the gateway takes. */
final class BodyLengthCheck implements InboundStage {
  private final long maxBodySize;

  BodyLengthCheck(long maxBodySize) {
    this.maxBodySize = maxBodySize;
  }

  @Override
  public Problem apply(InboundRequest r) {
    try {
      r.contentLength = HttpUtil.getContentLength(r.head, -1L);
    } catch (NumberFormatException e) {
      return Problems.badRequest("Content-Length is not a number");
    }
    return r.contentLength > maxBodySize ? tooLarge(maxBodySize) : null;
  }

  static Problem tooLarge(long maxBodySize) {
    return Problem.tooLarge("the request body is larger than " + maxBodySize + " bytes");
  }
}
