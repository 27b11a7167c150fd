package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** Refuses what the HTTP decoder could not parse: 414, 431, or 400. */
final class DecodeCheck implements InboundStage {
  private final int maxHeaderSize;

  DecodeCheck(int maxHeaderSize) {
    this.maxHeaderSize = maxHeaderSize;
  }

  @Override
  public Problem apply(InboundRequest r) {
    DecoderResult dr = r.head.decoderResult();
    if (!dr.isFailure()) return null;
    Throwable c = dr.cause();
    if (c instanceof TooLongHttpLineException) return Problem.of(ProblemType.URI_TOO_LONG, "the request line is too long");
    if (c instanceof TooLongHttpHeaderException) {
      return Problem.of(ProblemType.HEADERS_TOO_LARGE, "request headers are larger than " + maxHeaderSize + " bytes");
    }
    if (c instanceof TooLongFrameException) return Problems.badRequest("a part of the request is too long");
    return Problems.badRequest("malformed HTTP request");
  }
}
