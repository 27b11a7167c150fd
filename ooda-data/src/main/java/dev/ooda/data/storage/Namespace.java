package dev.ooda.data.storage;

import dev.ooda.data.NamespaceStatus;
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

  public NamespaceStatus status() {
    if (storage == null) return new NamespaceStatus(name, NamespaceStatus.UNAVAILABLE, version, declared(), unavailable);
    if (failure != null) return new NamespaceStatus(name, NamespaceStatus.MIGRATION_FAILED, version, declared(), failure.toString());
    return new NamespaceStatus(name, NamespaceStatus.READY, version, declared(), null);
  }
}
