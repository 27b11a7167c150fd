package dev.ooda.gateway.routing;

import dev.ooda.model.Kinds;
import dev.ooda.model.Resource;
import dev.ooda.model.RouteSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes, compiled into an immutable lookup structure: a map of exact paths and a trie over
 * path segments for templates and prefixes. The most specific route wins: an exact path, then a
 * template (a literal segment beats a parameter at each level), then the longest prefix. Routes
 * that share a path are tried most specific first ({@link CompiledRoute#SPECIFICITY}).
 *
 * <p>Prefixes match whole segments: {@code /api/catalog} takes {@code /api/catalog} and
 * {@code /api/catalog/items}, not {@code /api/catalogue}.
 */
public final class RouteTable {
  private static final CompiledRoute[] NONE = new CompiledRoute[0];

  private final Map<String, CompiledRoute[]> exact;
  private final Node root;
  private final List<CompiledRoute> routes;

  private RouteTable(Map<String, CompiledRoute[]> exact, Node root, List<CompiledRoute> routes) {
    this.exact = exact;
    this.root = root;
    this.routes = routes;
  }

  public static RouteTable empty() {
    return new RouteTable(Map.of(), new Node(), List.of());
  }

  /**
   * Compiles {@code Route} resources (other kinds are ignored). The result does not depend on the
   * order of the input.
   */
  public static RouteTable compile(Collection<Resource> resources, RouteResources res) {
    List<CompiledRoute> all = new ArrayList<>();
    for (Resource r : resources) {
      if (Kinds.ROUTE.name().equals(r.kind())) all.add(new CompiledRoute(r, res));
    }
    all.sort(CompiledRoute.SPECIFICITY);
    Map<String, List<CompiledRoute>> exact = new HashMap<>();
    Node root = new Node();
    for (CompiledRoute c : all) {
      RouteSpec.Match m = c.spec.match();
      if (m.path() != null) {
        exact.computeIfAbsent(m.path(), k -> new ArrayList<>()).add(c);
      } else if (m.pathTemplate() != null) {
        Node n = root;
        for (String seg : segments(m.pathTemplate(), false)) {
          n = isParam(seg) ? n.param() : n.child(seg);
        }
        n.templates.add(c);
      } else {
        Node n = root;
        for (String seg : segments(m.pathPrefix(), true)) n = n.child(seg);
        n.prefixes.add(c);
      }
    }
    Map<String, CompiledRoute[]> frozen = new HashMap<>();
    exact.forEach((k, v) -> frozen.put(k, v.toArray(NONE)));
    root.freeze();
    return new RouteTable(frozen, root, List.copyOf(all));
  }

  /** Every route, in the order a request meets them when they share a path. */
  public List<CompiledRoute> routes() {
    return routes;
  }

  public int size() {
    return routes.size();
  }

  /** The most specific route that takes the request, or null. */
  public CompiledRoute match(RequestView req) {
    String path = req.path();
    CompiledRoute[] ex = exact.get(path);
    if (ex != null) {
      CompiledRoute c = first(ex, req);
      if (c != null) return c;
    }
    String[] segs = split(path);
    if (root.hasTemplates) {
      CompiledRoute c = template(root, segs, 0, req);
      if (c != null) return c;
    }
    // Longest prefix: walk down literal children, then try from the deepest node back up.
    Node[] trail = new Node[segs.length + 1];
    int depth = 0;
    Node n = root;
    trail[0] = n;
    for (String s : segs) {
      if (n.literal == null || (n = n.literal.get(s)) == null) break;
      trail[++depth] = n;
    }
    for (int i = depth; i >= 0; i--) {
      CompiledRoute[] p = trail[i].prefixArray;
      if (p.length > 0) {
        CompiledRoute c = first(p, req);
        if (c != null) return c;
      }
    }
    return null;
  }

  private static CompiledRoute template(Node n, String[] segs, int i, RequestView req) {
    if (i == segs.length) return n.templateArray.length == 0 ? null : first(n.templateArray, req);
    if (n.literal != null) {
      Node next = n.literal.get(segs[i]);
      if (next != null && next.hasTemplates) {
        CompiledRoute c = template(next, segs, i + 1, req);
        if (c != null) return c;
      }
    }
    if (n.param != null && !segs[i].isEmpty() && n.param.hasTemplates) return template(n.param, segs, i + 1, req);
    return null;
  }

  private static CompiledRoute first(CompiledRoute[] candidates, RequestView req) {
    for (CompiledRoute c : candidates) if (c.accepts(req)) return c;
    return null;
  }

  /** {@code /a/b} to [a, b]; {@code /} to []; {@code /a/} to [a, ""]. */
  static String[] split(String path) {
    if (path.length() <= 1) return new String[0];
    int count = 1;
    for (int i = 1; i < path.length(); i++) if (path.charAt(i) == '/') count++;
    String[] out = new String[count];
    int start = 1;
    int k = 0;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        out[k++] = path.substring(start, i);
        start = i + 1;
      }
    }
    return out;
  }

  private static List<String> segments(String path, boolean prefix) {
    List<String> out = new ArrayList<>(List.of(split(path)));
    if (prefix) out.removeIf(String::isEmpty);
    return out;
  }

  private static boolean isParam(String seg) {
    return seg.length() >= 2 && seg.charAt(0) == '{' && seg.charAt(seg.length() - 1) == '}';
  }

  private static final class Node {
    HashMap<String, Node> literal;
    Node param;
    final List<CompiledRoute> templates = new ArrayList<>();
    final List<CompiledRoute> prefixes = new ArrayList<>();
    CompiledRoute[] templateArray = NONE;
    CompiledRoute[] prefixArray = NONE;
    /** Whether a template ends here or below: lets the search skip dead branches. */
    boolean hasTemplates;

    Node child(String seg) {
      if (literal == null) literal = new HashMap<>();
      return literal.computeIfAbsent(seg, k -> new Node());
    }

    Node param() {
      if (param == null) param = new Node();
      return param;
    }

    boolean freeze() {
      templates.sort(CompiledRoute.SPECIFICITY);
      prefixes.sort(CompiledRoute.SPECIFICITY);
      templateArray = templates.toArray(NONE);
      prefixArray = prefixes.toArray(NONE);
      boolean t = templateArray.length > 0;
      if (literal != null) for (Node c : literal.values()) t |= c.freeze();
      if (param != null) t |= param.freeze();
      hasTemplates = t;
      return t;
    }
  }

}
