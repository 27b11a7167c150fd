package dev.ooda.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Deprecated operations compiled once into a table the gateway reads on each response: by service,
 * then by method, a path template matched as a regular expression. A request path matches a template
 * when it is the template or ends with it on a segment boundary (a route may keep a prefix that the
 * service's contract does not have).
 */
public final class OperationNotices {
  public static final OperationNotices EMPTY = new OperationNotices(Map.of());

  /** One compiled notice with its header values. */
  public record Compiled(String major, Pattern path, String deprecation, String sunset) {}

  private final Map<String, Map<String, List<Compiled>>> byService;

  private OperationNotices(Map<String, Map<String, List<Compiled>>> byService) {
    this.byService = byService;
  }

  public static OperationNotices compile(List<OperationNotice> notices) {
    Map<String, Map<String, List<Compiled>>> m = new HashMap<>();
    for (OperationNotice n : notices) {
      m.computeIfAbsent(n.service(), s -> new HashMap<>()).computeIfAbsent(n.method(), x -> new ArrayList<>())
          .add(new Compiled(n.major(), pattern(n.path()), "@" + n.deprecatedAt(), n.sunset()));
    }
    Map<String, Map<String, List<Compiled>>> frozen = new HashMap<>();
    m.forEach((s, byMethod) -> {
      Map<String, List<Compiled>> f = new HashMap<>();
      byMethod.forEach((k, v) -> f.put(k, List.copyOf(v)));
      frozen.put(s, Map.copyOf(f));
    });
    return new OperationNotices(Map.copyOf(frozen));
  }

  public boolean isEmpty() {
    return byService.isEmpty();
  }

  /**
   * The notice for a request of {@code method} to {@code uri} (a query is ignored) answered by an
   * instance of {@code version} of {@code service}, or null.
   */
  public Compiled find(String service, String version, String method, String uri) {
    Map<String, List<Compiled>> byMethod = byService.get(service);
    if (byMethod == null) return null;
    List<Compiled> list = byMethod.get(method);
    if (list == null) return null;
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    String major = null;
    for (Compiled c : list) {
      if (!c.path.matcher(path).matches()) continue;
      if (major == null) major = MajorVersions.of(version);
      if (c.major == null || c.major.equals(major)) return c;
    }
    return null;
  }

  /** {@code /items/{id}} as {@code (?:/[^/]+)*?/items/[^/]+/?}. */
  static Pattern pattern(String template) {
    StringBuilder re = new StringBuilder("(?:/[^/]+)*?");
    for (String seg : template.split("/")) {
      if (seg.isEmpty()) continue;
      re.append('/');
      java.util.regex.Matcher m = Pattern.compile("\\{[^}/]+}").matcher(seg);
      int at = 0;
      while (m.find()) {
        re.append(Pattern.quote(seg.substring(at, m.start()))).append("[^/]+");
        at = m.end();
      }
      re.append(Pattern.quote(seg.substring(at)));
    }
    return Pattern.compile(re + "/?");
  }
}
