package dev.ooda.contracts;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How service versions group into major versions, within which an API may only grow: {@code v2},
 * {@code 2.3.1} and {@code v2.3.1-rc.1} are all major 2, keyed {@code v2}. A version without a
 * leading number ({@code beta}, {@code canary}) is its own major, keyed by itself; an instance
 * that gives no version belongs to the major {@code unversioned}.
 */
public final class ContractVersions {
  /** The major of instances and pushes that give no version. */
  public static final String UNVERSIONED = dev.ooda.model.MajorVersions.UNVERSIONED;
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern NUMBERED = Pattern.compile("[vV]?(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?([-+].*)?");

  private ContractVersions() {}

  /** Why {@code version} cannot name a contract's version, or null when it can. */
  public static String problem(String version) {
    if (version == null || version.isEmpty()) return "is required";
    return VERSION.matcher(version).matches() ? null : "'" + version + "' must be 1 to 63 letters, digits, '.', '_' or '-'";
  }

  /** The key of the major version {@code version} belongs to: {@code v2} for {@code v2.3.1}. */
  public static String major(String version) {
    return dev.ooda.model.MajorVersions.of(version);
  }

  /**
   * Orders two versions of one major: negative when {@code a} comes before {@code b}, 0 when they
   * are the same or cannot be ordered (versions without numbers), positive when {@code a} is later.
   * Missing minor and patch count as 0; a pre-release ({@code -rc.1}) comes before its release.
   */
  public static int compare(String a, String b) {
    Matcher x = NUMBERED.matcher(a == null ? "" : a);
    Matcher y = NUMBERED.matcher(b == null ? "" : b);
    if (!x.matches() || !y.matches()) return 0;
    for (int g = 1; g <= 3; g++) {
      int c = Long.compare(number(x.group(g)), number(y.group(g)));
      if (c != 0) return c;
    }
    boolean xPre = x.group(4) != null && x.group(4).startsWith("-");
    boolean yPre = y.group(4) != null && y.group(4).startsWith("-");
    if (xPre != yPre) return xPre ? -1 : 1;
    return xPre ? x.group(4).compareTo(y.group(4)) : 0;
  }

  private static long number(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }
}
