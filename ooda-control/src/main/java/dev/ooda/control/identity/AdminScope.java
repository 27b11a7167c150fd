package dev.ooda.control.identity;

import java.util.Locale;

/** What an admin token may do; each scope includes the ones before it. */
public enum AdminScope {
  /** List credentials and admin tokens (resources are readable without a token). */
  READ,
  /** Apply and delete resources. */
  WRITE,
  /** Manage credentials, admin tokens and secrets. */
  ADMIN;

  public boolean includes(AdminScope needed) {
    return compareTo(needed) >= 0;
  }

  public String slug() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope named {@code s} ({@code read}, {@code write} or {@code admin}), or null. */
  public static AdminScope parse(String s) {
    if (s == null) return null;
    for (AdminScope a : values()) if (a.slug().equals(s.trim().toLowerCase(Locale.ROOT))) return a;
    return null;
  }
}
