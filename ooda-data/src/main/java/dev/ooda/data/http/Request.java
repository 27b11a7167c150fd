package dev.ooda.data.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the API sees it: whole, with the path parameters of the route it matched.
 *
 * @param method  the method's name, upper case
 * @param path    the path as sent, still percent-encoded
 * @param query   the query string as sent, without '?', or null
 * @param params  the route's path parameters, decoded
 * @param headers the request headers
 * @param body    the request body, empty when there is none
 */
public record Request(String method, String path, String query, Map<String, String> params, HttpHeaders headers, byte[] body) {

  /** A path parameter of the route, decoded. */
  public String param(String name) {
    return params.get(name);
  }

  /** A request header, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The query's parameters, decoded. */
  public Query queryParams() {
    return Query.parse(query);
  }

  /** Query parameters by name; a name given more than once keeps its first value. */
  public record Query(Map<String, List<String>> values) {
    private static final Query EMPTY = new Query(Map.of());

    static Query parse(String query) {
      if (query == null || query.isEmpty()) return EMPTY;
      // ';' is an ordinary character here: filters may contain it.
      return new Query(new QueryStringDecoder(query, StandardCharsets.UTF_8, false, 1024, true).parameters());
    }

    public String get(String name) {
      List<String> v = values.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> getAll(String name) {
      return values.getOrDefault(name, List.of());
    }

    public String get(String name, String otherwise) {
      String v = get(name);
      return v == null ? otherwise : v;
    }

    public Iterable<String> names() {
      return values.keySet();
    }
  }
}
