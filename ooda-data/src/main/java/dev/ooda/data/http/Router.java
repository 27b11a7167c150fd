package dev.ooda.data.http;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The API's routes, compiled once: a path pattern such as {@code /v1/namespaces/{ns}/kv/{id}}
 * and a method lead to a handler, with the pattern's parameters decoded.
 */
public final class Router {
  /** Answers one request; runs on the event loop and must not wait on anything. */
  @FunctionalInterface
  public interface Handler {
    CompletionStage<Response> handle(Request request) throws Exception;
  }

  /** A route: its pattern, as access logs and metrics name it, and its handler. */
  record Route(String method, String pattern, String[] segments, Handler handler) {}

  /** The route a request matched and the pattern's parameters; or the problem of matching none. */
  record Match(Route route, Map<String, String> params, Problem problem) {}

  private final Map<Integer, List<Route>> bySegments = new HashMap<>();

  Router add(String method, String pattern, Handler handler) {
    String[] segments = split(pattern);
    bySegments.computeIfAbsent(segments.length, n -> new ArrayList<>()).add(new Route(method, pattern, segments, handler));
    return this;
  }

  public Router get(String pattern, Handler h) {
    return add("GET", pattern, h);
  }

  public Router post(String pattern, Handler h) {
    return add("POST", pattern, h);
  }

  public Router put(String pattern, Handler h) {
    return add("PUT", pattern, h);
  }

  public Router patch(String pattern, Handler h) {
    return add("PATCH", pattern, h);
  }

  public Router delete(String pattern, Handler h) {
    return add("DELETE", pattern, h);
  }

  /** The route for {@code method} and the raw (percent-encoded) {@code path}. */
  Match match(String method, String path) {
    String[] segments = split(path);
    Set<String> allowed = null;
    for (Route r : bySegments.getOrDefault(segments.length, List.of())) {
      if (!fits(r.segments, segments)) continue;
      if (!r.method.equals(method)) {
        if (allowed == null) allowed = new LinkedHashSet<>();
        allowed.add(r.method);
        continue;
      }
      Map<String, String> params = new HashMap<>(4);
      for (int i = 0; i < segments.length; i++) {
        String p = r.segments[i];
        if (p.startsWith("{")) params.put(p.substring(1, p.length() - 1), decode(segments[i]));
      }
      return new Match(r, params, null);
    }
    if (allowed != null) {
      return new Match(null, Map.of(), Problem.of(ProblemType.METHOD_NOT_ALLOWED,
          method + " is not allowed on this path; allowed: " + String.join(", ", allowed)));
    }
    return new Match(null, Map.of(), Problem.notFound("no such path: " + path));
  }

  private static boolean fits(String[] pattern, String[] segments) {
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") ? segments[i].isEmpty() : !p.equals(segments[i])) return false;
    }
    return true;
  }

  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }

  /** Percent-decoding of a path segment, where '+' stays itself. */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) return segment;
    try {
      return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"));
    } catch (IllegalArgumentException e) {
      throw Problems.invalid("path", "'" + segment + "' is not a well-formed percent-encoded segment");
    }
  }
}
