package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import io.netty.handler.codec.http.HttpVersion;

/**
 * RFC 9112 2.3: the version is {@code HTTP/1.0} or {@code HTTP/1.1}, upper case. Netty's decoder
 * accepts {@code http/1.1} and gives back a version equal to, but not the same as, its constants.
 */
final class VersionCheck implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    HttpVersion v = r.head.protocolVersion();
    if (v == HttpVersion.HTTP_1_1 || v == HttpVersion.HTTP_1_0) return null;
    return Problems.badRequest("the HTTP version must be HTTP/1.1 or HTTP/1.0");
  }
}
