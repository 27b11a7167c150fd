package dev.ooda.gateway;

import dev.ooda.model.Problem;
import io.netty.handler.codec.http.HttpHeaderNames;

/** RFC 9112 3.2: an HTTP/1.1 request has a Host header. */
final class HostCheck implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    if (!r.h2 && !r.http10 && !r.headers.contains(HttpHeaderNames.HOST)) {
      return Problems.badRequest("HTTP/1.1 requests need a Host header");
    }
    return null;
  }
}
