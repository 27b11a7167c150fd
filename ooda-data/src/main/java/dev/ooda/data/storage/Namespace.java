package dev.ooda.data.storage;

import dev.ooda.data.http.Problems;
import dev.ooda.model.NamespaceSpec;

/**
 * A namespace as the data service serves it: immutable, replaced whole when its spec changes.
 *
 * @param storage     its pool, or null when the storage could not be opened
 * @param failure     the last migration failure, or null
 * @param unavailable why there is no storage, or null
 */
public record Namespace(String name, NamespaceSpec spec, Storage storage, Schema schema, int version,
                        Migrator.Failure failure, String unavailable) {
  /** The states of {@link #state()}, as {@code NamespaceStatus} reports them. */
  public static final String READY = "ready", MIGRATION_FAILED = "migration-failed", UNAVAILABLE = "unavailable";

  static Namespace unavailable(String name, NamespaceSpec spec, String why) {
    return new Namespace(name, spec, null, Schema.EMPTY, 0, null, why);
  }

  Storage require() {
    if (storage == null) throw Problems.unavailable("namespace '" + name + "' is unavailable: " + unavailable);
    return storage;
  }

  Backend backend() {
    return Backend.of(spec.effectiveBackend());
  }

  public Schema.TableSchema table(String table) {
    return schema.table(name, table);
  }

  public int declared() {
    return spec.migrations().isEmpty() ? 0 : spec.migrations().get(spec.migrations().size() - 1).version();
  }

  /** Ready; migration-failed (serving at {@code version}, the last good one); or unavailable. */
  public String state() {
    return storage == null ? UNAVAILABLE : failure != null ? MIGRATION_FAILED : READY;
  }

  /** What went wrong, naming the failed migration and statement; null when ready. */
  public String error() {
    return storage == null ? unavailable : failure != null ? failure.toString() : null;
  }
}
