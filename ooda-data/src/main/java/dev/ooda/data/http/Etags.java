package dev.ooda.data.http;

/** Row versions as entity tags: version 3 is {@code "3"}. */
public final class Etags {
  private Etags() {}

  public static String of(long version) {
    return "\"" + version + "\"";
  }

  /**
   * An If-Match condition: a version, or any existing row ({@code *}, version null). A tag that
   * is not one of ours matches no row, so the write fails with 412 as RFC 9110 asks.
   */
  public record Match(Long version, String text) {}

  public static Match parse(String header) {
    if (header == null) return null;
    String h = header.trim();
    if (h.equals("*")) return new Match(null, h);
    if (h.startsWith("W/")) h = h.substring(2);
    if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) h = h.substring(1, h.length() - 1);
    try {
      return new Match(Long.parseLong(h), header.trim());
    } catch (NumberFormatException e) {
      return new Match(-1L, header.trim());
    }
  }

  /** True when an If-None-Match header names this version (or is {@code *}). */
  public static boolean noneMatch(String header, long version) {
    if (header == null) return false;
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.equals("*") || p.equals(of(version)) || p.equals("W/" + of(version))) return true;
    }
    return false;
  }
}
