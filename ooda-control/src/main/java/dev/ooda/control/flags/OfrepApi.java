package dev.ooda.control.flags;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import dev.ooda.flags.Context;
import dev.ooda.flags.ErrorCode;
import dev.ooda.flags.Evaluation;
import dev.ooda.flags.FlagSet;
import dev.ooda.flags.FlagUsage;
import dev.ooda.flags.Flags;
import dev.ooda.model.ResourceCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP) for services in other languages and for
 * browsers: one flag, or every flag for one context with an ETag so that a client polling with
 * {@code If-None-Match} gets 304 until an answer changes. Answers and errors have OFREP's shapes
 * ({@code errorCode}, {@code errorDetails}), which OFREP providers parse, rather than problem+json.
 * Also {@code GET /api/v1/flag-usage}: the evaluation counts of this node.
 */
public final class OfrepApi {
  static final String SINGLE = "/ofrep/v1/evaluate/flags/{key}";
  static final String BULK = "/ofrep/v1/evaluate/flags";

  private final Flags flags;

  public OfrepApi(Flags flags) {
    this.flags = flags;
  }

  public void mount(ServerBuilder sb) {
    sb.route().post(SINGLE).build((ctx, req) -> withBody(req, body -> single(ctx.pathParam("key"), body)));
    sb.route().post(BULK).build((ctx, req) -> withBody(req, body -> bulk(req, body)));
    sb.route().get("/ofrep/v1/configuration").build((ctx, req) -> json(HttpStatus.OK, configuration()));
    sb.route().get("/api/v1/flag-usage").build((ctx, req) -> json(HttpStatus.OK, usage()));
  }

  private HttpResponse single(String key, AggregatedHttpRequest body) {
    Context context;
    try {
      context = context(body);
    } catch (BadRequest e) {
      return json(HttpStatus.BAD_REQUEST, failure(key, e.code, e.getMessage()));
    }
    Evaluation e = flags.evaluate(key, context);
    if (e.isError()) {
      HttpStatus status = e.errorCode() == ErrorCode.FLAG_NOT_FOUND ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST;
      return json(status, failure(key, e.errorCode().name(), e.message()));
    }
    return json(HttpStatus.OK, success(e));
  }

  private HttpResponse bulk(HttpRequest req, AggregatedHttpRequest body) {
    Context context;
    try {
      context = context(body);
    } catch (BadRequest e) {
      ObjectNode out = ResourceCodec.json().createObjectNode().put("errorCode", e.code).put("errorDetails", e.getMessage());
      return json(HttpStatus.BAD_REQUEST, out);
    }
    FlagSet set = flags.current();
    ObjectNode out = ResourceCodec.json().createObjectNode();
    ArrayNode list = out.putArray("flags");
    for (String key : set.keys()) {
      Evaluation e = set.evaluate(key, context);
      list.add(e.isError() ? failure(key, e.errorCode().name(), e.message()) : success(e));
    }
    byte[] bytes = ResourceCodec.toJsonBytes(out);
    String etag = etag(bytes);
    String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.NOT_MODIFIED).set(HttpHeaderNames.ETAG, etag).build());
    }
    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
        .set(HttpHeaderNames.ETAG, etag).build(), com.linecorp.armeria.common.HttpData.wrap(bytes));
  }

  private static ObjectNode success(Evaluation e) {
    ObjectNode n = ResourceCodec.json().createObjectNode();
    n.put("key", e.flag());
    n.set("value", ResourceCodec.json().valueToTree(e.value()));
    n.put("reason", e.reason().name());
    n.put("variant", e.variant());
    ObjectNode meta = n.putObject("metadata");
    if (e.ruleId() != null) meta.put("ruleId", e.ruleId());
    if (e.experiment() != null) meta.put("experiment", e.experiment()).put("cell", e.cell());
    return n;
  }

  private static ObjectNode failure(String key, String code, String details) {
    return ResourceCodec.json().createObjectNode().put("key", key).put("errorCode", code).put("errorDetails", details);
  }

  private static ObjectNode configuration() {
    ObjectNode n = ResourceCodec.json().createObjectNode().put("name", "ooda");
    n.putObject("capabilities").putObject("cacheInvalidation").putObject("polling")
        .put("enabled", true).put("minPollingIntervalMs", 1000);
    return n;
  }

  private ObjectNode usage() {
    ObjectNode out = ResourceCodec.json().createObjectNode();
    ArrayNode list = out.putArray("usage");
    for (FlagUsage u : flags.counters().usage()) {
      ObjectNode n = list.addObject().put("flag", u.flag()).put("variant", u.variant()).put("count", u.count());
      if (u.lastEvaluated() != null) n.put("lastEvaluated", u.lastEvaluated().toString());
    }
    return out;
  }

  /** The request's {@code context}, every attribute as a string; an empty body is an empty context. */
  private static Context context(AggregatedHttpRequest body) throws BadRequest {
    String text = body.contentUtf8();
    if (text.isBlank()) return Context.EMPTY;
    JsonNode root;
    try {
      root = ResourceCodec.json().readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadRequest("PARSE_ERROR", "the body is not JSON: " + e.getOriginalMessage());
    }
    if (!root.isObject()) throw new BadRequest("PARSE_ERROR", "the body must be an object like {\"context\": {...}}");
    JsonNode c = root.get("context");
    if (c == null || c.isNull()) return Context.EMPTY;
    if (!c.isObject()) throw new BadRequest("INVALID_CONTEXT", "context must be an object of attributes");
    Map<String, String> attrs = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v == null || v.isNull()) continue;
      attrs.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
    }
    return Context.of(attrs);
  }

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether an If-None-Match list names {@code etag} (weak tags compare as strong ones here). */
  static boolean matches(String ifNoneMatch, String etag) {
    for (String t : ifNoneMatch.split(",")) {
      String s = t.trim();
      if (s.startsWith("W/")) s = s.substring(2);
      if (s.equals("*") || s.equals(etag)) return true;
    }
    return false;
  }

  private interface Handler {
    HttpResponse handle(AggregatedHttpRequest body);
  }

  private static HttpResponse withBody(HttpRequest req, Handler h) {
    return HttpResponse.of(req.aggregate().thenApply(h::handle));
  }

  private static HttpResponse json(HttpStatus status, Object body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, ResourceCodec.toJsonBytes(body));
  }

  private static final class BadRequest extends Exception {
    final String code;

    BadRequest(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
