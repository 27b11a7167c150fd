package dev.ooda.gateway;

import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The gateway's own error answers: {@code application/problem+json}, never a stack trace. */
final class Problems {
  private Problems() {}

  static Problem badRequest(String detail) {
    return Problem.of(400, "bad-request", "Bad request", detail);
  }

  static Problem noRoute(String method, String path) {
    return Problem.of(404, "no-route", "No route", "no route takes " + method + " " + path);
  }

  static Problem noVersion(String route, String version) {
    return Problem.of(404, "no-such-version", "No such version", "route '" + route + "' has no version '" + version + "'");
  }

  static Problem noInstances(String service, String version) {
    return Problem.of(503, "no-instances", "No instances",
        "service '" + service + "'" + (version == null ? "" : " version '" + version + "'") + " has no instances that take traffic");
  }

  static Problem unavailable(String detail) {
    return Problem.of(503, "unavailable", "Service unavailable", detail);
  }

  static Problem overloaded(String detail) {
    return Problem.of(503, "overloaded", "Overloaded", detail);
  }

  static Problem badGateway(String detail) {
    return Problem.of(502, "bad-gateway", "Bad gateway", detail);
  }

  static Problem timeout(String detail) {
    return Problem.of(504, "gateway-timeout", "Gateway timeout", detail);
  }

  static FullHttpResponse response(ByteBufAllocator alloc, Problem p) {
    byte[] json = ResourceCodec.toJsonBytes(p);
    ByteBuf body = alloc.buffer(json.length).writeBytes(json);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(p.status()), body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    if (p.status() == 503) res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    return res;
  }
}
