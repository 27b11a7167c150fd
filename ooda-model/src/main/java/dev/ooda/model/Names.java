package dev.ooda.model;

import java.util.regex.Pattern;

/** The naming rule shared by every resource, service and instance: a DNS label. */
public final class Names {
  public static final int MAX_LENGTH = 63;
  private static final Pattern RULE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private Names() {}

  public static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && RULE.matcher(name).matches();
  }

  /** Why {@code name} breaks the rule, or {@code null} when it is valid. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) return "is required";
    if (name.length() > MAX_LENGTH) return "must be at most " + MAX_LENGTH + " characters, has " + name.length();
    if (!RULE.matcher(name).matches())
      return "'" + name + "' must be lowercase letters, digits and '-', starting and ending with a letter or digit";
    return null;
  }
}
