package dev.ooda.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (semver.org 2.0.0): {@code MAJOR.MINOR.PATCH}, an optional pre-release after
 * {@code -} and build metadata after {@code +}. A leading {@code v} is accepted ({@code v1.2.3}), as
 * app versions are often written. Ordered by semver's precedence rules; build metadata is ignored.
 */
public record SemVer(long major, long minor, long patch, String preRelease) implements Comparable<SemVer> {
  private static final Pattern FORM = Pattern.compile(
      "v?(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?");

  /** The version {@code text} stands for, or null when it is not a semantic version. */
  public static SemVer parse(String text) {
    if (text == null) return null;
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) return null;
    return new SemVer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4));
  }

  @Override
  public int compareTo(SemVer o) {
    int c = Long.compare(major, o.major);
    if (c == 0) c = Long.compare(minor, o.minor);
    if (c == 0) c = Long.compare(patch, o.patch);
    if (c != 0) return c;
    // A pre-release sorts before its release: 1.0.0-rc.1 < 1.0.0.
    if (preRelease == null) return o.preRelease == null ? 0 : 1;
    if (o.preRelease == null) return -1;
    String[] a = preRelease.split("\\.");
    String[] b = o.preRelease.split("\\.");
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      boolean an = a[i].chars().allMatch(Character::isDigit);
      boolean bn = b[i].chars().allMatch(Character::isDigit);
      if (an && bn) c = new java.math.BigInteger(a[i]).compareTo(new java.math.BigInteger(b[i]));
      else if (an) c = -1; // numeric identifiers sort before alphanumeric ones
      else if (bn) c = 1;
      else c = a[i].compareTo(b[i]);
      if (c != 0) return c;
    }
    return Integer.compare(a.length, b.length);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (preRelease == null ? "" : "-" + preRelease);
  }
}
