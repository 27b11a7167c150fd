package dev.ooda.contracts;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An OpenAPI path template ({@code /items/{id}}) matched against request paths. A request path
 * matches when it is the template, or when it ends with it on a segment boundary: a gateway route
 * may keep a prefix ({@code /api/catalog/items/7}) that the service's document does not have.
 */
public record PathTemplate(String template, Pattern exact, Pattern suffix, int literalSegments) {

  public static PathTemplate of(String template) {
    StringBuilder re = new StringBuilder();
    int literals = 0;
    for (String seg : template.split("/", -1)) {
      if (seg.isEmpty()) continue;
      re.append('/');
      if (seg.startsWith("{") && seg.endsWith("}")) {
        re.append("[^/]+");
      } else {
        literals++;
        int at = 0;
        // A segment may mix text and parameters, e.g. {id}.json
        java.util.regex.Matcher m = Pattern.compile("\\{[^}/]+}").matcher(seg);
        while (m.find()) {
          re.append(Pattern.quote(seg.substring(at, m.start()))).append("[^/]+");
          at = m.end();
        }
        re.append(Pattern.quote(seg.substring(at)));
      }
    }
    String body = re.length() == 0 ? "/" : re.toString();
    return new PathTemplate(template, Pattern.compile(body + "/?"), Pattern.compile("(?:/[^/]+)*" + body + "/?"), literals);
  }

  public boolean matchesExactly(String path) {
    return exact.matcher(path).matches();
  }

  public boolean matchesSuffix(String path) {
    return literalSegments > 0 && suffix.matcher(path).matches();
  }

  /**
   * The template among {@code templates} that {@code path} (no query) stands for: an exact match
   * first, the one with the most literal segments among suffix matches next; null when none.
   */
  public static PathTemplate find(List<PathTemplate> templates, String path) {
    int q = path.indexOf('?');
    String p = q >= 0 ? path.substring(0, q) : path;
    PathTemplate best = null;
    for (PathTemplate t : templates) {
      if (t.matchesExactly(p)) {
        if (best == null || !best.matchesExactly(p) || t.literalSegments > best.literalSegments) best = t;
      }
    }
    if (best != null) return best;
    for (PathTemplate t : templates) {
      if (t.matchesSuffix(p) && (best == null || t.literalSegments > best.literalSegments)) best = t;
    }
    return best;
  }
}
