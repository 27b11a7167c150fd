package dev.ooda.access;

import java.util.regex.Pattern;

/**
 * A path pattern of a group entry: {@code *} matches within one segment, {@code **} any number of
 * segments, and a trailing {@code /**} also matches the path without it.
 */
final class PathGlob {
  private final String glob;
  private final Pattern pattern;
  private final String literal;

  PathGlob(String glob) {
    this.glob = glob;
    if (!glob.contains("*")) {
      this.literal = glob;
      this.pattern = null;
      return;
    }
    this.literal = null;
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      if (glob.startsWith("/**", i) && i + 3 == glob.length()) {
        re.append("(/.*)?");
        i += 3;
      } else if (glob.startsWith("**", i)) {
        re.append(".*");
        i += 2;
      } else if (glob.charAt(i) == '*') {
        re.append("[^/]*");
        i++;
      } else {
        int next = glob.indexOf('*', i);
        // Stop before a trailing "/**", which the first branch turns into an optional suffix.
        boolean trailing = next > 0 && next + 2 == glob.length() && glob.startsWith("/**", next - 1);
        int end = next < 0 ? glob.length() : trailing ? next - 1 : next;
        re.append(Pattern.quote(glob.substring(i, end)));
        i = end;
      }
    }
    this.pattern = Pattern.compile(re.toString());
  }

  boolean matches(String path) {
    return literal != null ? literal.equals(path) : pattern.matcher(path).matches();
  }

  @Override
  public String toString() {
    return glob;
  }
}
