package dev.ooda.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The major version a service version belongs to, within which its API may only grow (see
 * docs/contracts.md): {@code v2}, {@code 2.3.1} and {@code v2.3.1-rc.1} are all major {@code v2}. A
 * version without a leading number ({@code beta}) is its own major; no version is {@code unversioned}.
 */
public final class MajorVersions {
  public static final String UNVERSIONED = "unversioned";
  static final Pattern NUMBERED = Pattern.compile("[vV]?(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?([-+].*)?");

  private MajorVersions() {}

  public static String of(String version) {
    if (version == null || version.isEmpty()) return UNVERSIONED;
    Matcher m = NUMBERED.matcher(version);
    return m.matches() ? "v" + Long.parseLong(m.group(1)) : version;
  }
}
