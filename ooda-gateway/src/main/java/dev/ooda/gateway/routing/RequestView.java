package dev.ooda.gateway.routing;

/** What route matching reads from a request. Implementations parse lazily and cache. */
public interface RequestView {
  /** Upper-case method name, e.g. {@code GET}. */
  String method();

  /** Host without port, lower case; null when absent. */
  String host();

  /** Path without query string, as sent (not percent-decoded). */
  String path();

  String header(CharSequence name);

  String query(String name);

  String cookie(String name);

  /** The variant flag {@code key} gives this request, or null when it gives none (no such flag, an error). */
  default String flagVariant(String key) {
    return null;
  }
}
