package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;
/**
 * A secret: a value (a database URL, an API key) that one service reads at run time. The resource
 * is metadata only; the value lives encrypted beside it in the control plane and is never part of
 * a resource, a listing or a change.
 *
 * <pre>
 * kind: Secret
 * name: orders-db
 * spec:
 *   owner: orders
 *   description: PostgreSQL of the orders service
 *   current: 3                      # written by the control plane
 *   changed: 2025-01-01T12:00:00Z   # written by the control plane
 * </pre>
 *
 * @param owner       the service that may read the value (with its own token), and the only one
 *                    whose namespaces may name the secret
 * @param description what the value is, for people
 * @param current     the version of the current value; written by the control plane on each
 *                    {@code ooda secret set}, absent until a value is written
 * @param changed     when the current value was written, an ISO-8601 instant ({@code 2025-01-01T12:00:00Z})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretSpec(String owner, String description, Integer current, String changed) implements Spec {

  public static final Kind<SecretSpec> KIND = Kind.of("Secret", "secrets", SecretSpec.class, SecretSpec::check);
  public static final int MAX_DESCRIPTION = 200;
  /** How a namespace's {@code connection.secret} names a secret of this kind. */
  public static final String REFERENCE_PREFIX = "secret:";

  /** The same metadata with a new current value. */
  public SecretSpec withValue(int version, java.time.Instant at) {
    return new SecretSpec(owner, description, version, at.toString());
  }

  static void check(SecretSpec s, Violations v) {
    String bad = Names.problem(s.owner());
    if (bad != null) v.add("owner", bad + " (the name of the service that owns the secret)");
    if (s.description() != null)
      v.check(s.description().length() <= MAX_DESCRIPTION, "description", "must be at most " + MAX_DESCRIPTION + " characters");
    // Value versions are the control plane's: a document cannot move them.
    v.check(s.current() == null, "current", "is written by the control plane when a value is set (ooda secret set)");
    v.check(s.changed() == null, "changed", "is written by the control plane when a value is set (ooda secret set)");
  }
}
