package dev.ooda.kit.data;

/**
 * A namespace as the data service serves it.
 *
 * @param name     the namespace
 * @param owner    the service that owns it
 * @param backend  {@code sqlite}, {@code postgres} or {@code mysql}
 * @param state    {@code ready}, {@code migration-failed} (serving at the last good version) or
 *                 {@code unavailable} (storage unreachable)
 * @param version  the migration version applied
 * @param declared the highest migration version declared
 */
public record NamespaceInfo(String name, String owner, String backend, String state, int version, int declared) {
  /** Serving, with every declared migration applied. */
  public boolean ready() {
    return "ready".equals(state) && version == declared;
  }
}
