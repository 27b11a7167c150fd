package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A declarative resource: what a user applies and what the store keeps.
 *
 * @param kind    the kind's name, e.g. {@code Route}
 * @param name    unique within its kind; see {@link Names}
 * @param version increased by the store on each change; 0 for a resource that was never stored.
 *                An update that carries a version other than the stored one is refused as stale.
 * @param spec    the kind's own record
 */
@JsonPropertyOrder({"kind", "name", "version", "spec"})
public record Resource(String kind, String name, long version, Spec spec) {

  public Resource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
  }

  public static Resource of(Kind<?> kind, String name, Spec spec) {
    return new Resource(kind.name(), name, 0, spec);
  }

  public Resource withVersion(long newVersion) {
    return new Resource(kind, name, newVersion, spec);
  }

  /** The spec as its kind's record type. */
  public <S extends Spec> S spec(Class<S> type) {
    return type.cast(spec);
  }

  /** {@code Kind/name}, as errors and logs name a resource. */
  public String ref() {
    return kind + "/" + name;
  }
}
