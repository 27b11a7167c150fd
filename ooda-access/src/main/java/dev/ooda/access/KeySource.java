package dev.ooda.access;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.Set;
import java.util.function.Supplier;

/** Where a {@link TokenVerifier} finds the keys it trusts and the credentials that were revoked. */
public interface KeySource {
  /** The keys trusted now and the revoked client ids, as one snapshot. */
  Keys keys();

  /**
   * Called when a token names a key that {@link #keys()} does not have: a source that fetches may
   * fetch again (rate-limited) and answer the newer snapshot.
   */
  default Keys refreshForUnknownKey(String kid) {
    return keys();
  }

  /** An immutable snapshot of the trusted public keys and of the revoked client ids. */
  record Keys(JWKSet set, Set<String> revokedClientIds) {
    public static final Keys NONE = new Keys(new JWKSet(), Set.of());

    public Keys {
      set = set.toPublicJWKSet();
      revokedClientIds = Set.copyOf(revokedClientIds);
    }

    public boolean has(String kid) {
      return kid != null && set.getKeyByKeyId(kid) != null;
    }
  }

  /** Keys from the same JVM, e.g. the control plane's own roles; the supplier is asked on every check, so it should answer a cached snapshot. */
  static KeySource inProcess(Supplier<Keys> keys) {
    return keys::get;
  }
}
