package dev.ooda.data;

import dev.ooda.data.storage.Namespace;

/**
 * Where a namespace stands after a push.
 *
 * @param state    {@code ready}; {@code migration-failed} (serving at {@code version}, the last
 *                 good one); or {@code unavailable} (its storage cannot be reached)
 * @param version  the highest migration version applied, 0 for none
 * @param declared the highest migration version its spec declares
 * @param error    what went wrong, naming the failed migration and statement; null when ready
 */
public record NamespaceStatus(String name, String state, int version, int declared, String error) {
  public static final String READY = Namespace.READY;
  public static final String MIGRATION_FAILED = Namespace.MIGRATION_FAILED;
  public static final String UNAVAILABLE = Namespace.UNAVAILABLE;
}
