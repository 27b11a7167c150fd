package dev.ooda.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.util.List;

/**
 * A contract as the control plane keeps it: one per service and major version is active, and the
 * last pushes of each version are kept for {@code ooda contract diff}.
 *
 * @param service        the service's name
 * @param major          the major version's key, see {@link ContractVersions#major}
 * @param version        the version that pushed it
 * @param pushedAtMillis when (epoch millis)
 * @param source         {@code push} (ooda contract push) or {@code registration}
 * @param document       the OpenAPI document as JSON text
 * @param flag           on the active contract: the breaking change that was let through (warn mode,
 *                       or unused operations); else null
 * @param deprecatedSince when each deprecated operation ({@code GET /items/{id}}) was first deprecated
 *                       in this major version, in epoch seconds: its {@code Deprecation} date
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredContract(String service, String major, String version, long pushedAtMillis, String source,
                            String document, Flag flag, java.util.Map<String, Long> deprecatedSince) {
  public static final String PUSH = "push";
  public static final String REGISTRATION = "registration";

  public StoredContract {
    deprecatedSince = deprecatedSince == null ? java.util.Map.of() : java.util.Map.copyOf(deprecatedSince);
  }

  public StoredContract(String service, String major, String version, long pushedAtMillis, String source, String document, Flag flag) {
    this(service, major, version, pushedAtMillis, source, document, flag, null);
  }

  /**
   * This contract taking the deprecation dates of {@code before} (the contract it replaces, may be
   * null) for operations deprecated in both; operations newly deprecated date from its push.
   */
  public StoredContract dating(StoredContract before) {
    java.util.Map<String, Long> since = new java.util.TreeMap<>();
    for (ContractOperation op : parsed().operations()) {
      if (!op.deprecated()) continue;
      Long earlier = before == null ? null : before.deprecatedSince().get(op.name());
      since.put(op.name(), earlier != null ? earlier : pushedAtMillis / 1000);
    }
    return new StoredContract(service, major, version, pushedAtMillis, source, document, flag, since);
  }

  /**
   * A breaking change the policy let through.
   *
   * @param version  the version that brought it
   * @param reason   {@code warn} (mode warn) or {@code unused} (enforce with unusedOk, nobody called)
   * @param breaking what broke
   */
  public record Flag(String version, String reason, List<ContractChange> breaking) {
    public Flag {
      breaking = breaking == null ? List.of() : List.copyOf(breaking);
    }

    /** {@code breaking v1.2 (warn, 2 changes)}, as {@code ooda get services} shows it. */
    public String summary() {
      return "breaking " + version + " (" + reason + ", " + breaking.size() + (breaking.size() == 1 ? " change)" : " changes)");
    }
  }

  @JsonIgnore
  public OpenApiDocument parsed() {
    return OpenApiDocument.ofStored(document);
  }

  public StoredContract withFlag(Flag f) {
    return new StoredContract(service, major, version, pushedAtMillis, source, document, f, deprecatedSince);
  }

  public byte[] toBytes() {
    return ResourceCodec.toJsonBytes(this);
  }

  public static StoredContract fromBytes(byte[] data) {
    try {
      return ResourceCodec.json().readValue(data, StoredContract.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable stored contract: " + e.getMessage(), e);
    }
  }
}
