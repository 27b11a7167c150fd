package dev.ooda.gateway.server;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The gateway's own error answers: {@code application/problem+json}, never a stack trace. */
public final class Problems {
  private Problems() {}

  public static Problem badRequest(String detail) {
    return Problem.of(ProblemType.BAD_REQUEST, detail);
  }

  public static Problem noRoute(String method, String path) {
    return Problem.of(ProblemType.NO_ROUTE, "no route takes " + method + " " + path);
  }

  public static Problem noVersion(String route, String version) {
    return Problem.of(ProblemType.NO_SUCH_VERSION, "route '" + route + "' has no version '" + version + "'");
  }

  public static Problem noInstances(String service, String version) {
    return Problem.of(ProblemType.NO_INSTANCES,
        "service '" + service + "'" + (version == null ? "" : " version '" + version + "'") + " has no instances that take traffic");
  }

  public static Problem unavailable(String detail) {
    return Problem.of(ProblemType.UNAVAILABLE, detail);
  }

  public static Problem overloaded(String detail) {
    return Problem.of(ProblemType.OVERLOADED, detail);
  }

  public static Problem badGateway(String detail) {
    return Problem.of(ProblemType.BAD_GATEWAY, detail);
  }

  public static Problem timeout(String detail) {
    return Problem.of(ProblemType.GATEWAY_TIMEOUT, detail);
  }

  public static FullHttpResponse response(ByteBufAllocator alloc, Problem p) {
    byte[] json = ResourceCodec.toJsonBytes(p);
    ByteBuf body = alloc.buffer(json.length).writeBytes(json);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(p.status()), body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    if (p.status() == 503) res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    if (p.status() == 401) res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    return res;
  }
}
