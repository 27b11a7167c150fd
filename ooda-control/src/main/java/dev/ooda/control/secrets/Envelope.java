package dev.ooda.control.secrets;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * Envelope encryption of one value version. Each version gets a fresh data key (AES256-GCM),
 * which encrypts the value; the master key wraps the data key. Both carry the associated data
 * {@code ooda-secret:<name>:<version>}, so a ciphertext copied to another secret or version does
 * not open. Rotating the master key re-wraps the data key and leaves the value's ciphertext alone.
 *
 * <p>Stored as JSON: {@code {"wrappedKey": base64, "ciphertext": base64, "written": instant}}.
 */
final class Envelope {
  private Envelope() {}

  /** What one value znode holds. */
  record Sealed(@JsonProperty("wrappedKey") byte[] wrappedKey, @JsonProperty("ciphertext") byte[] ciphertext,
                @JsonProperty("written") String written) {
    byte[] toBytes() {
      return ResourceCodec.toJsonBytes(this);
    }

    static Sealed of(byte[] stored) {
      try {
        return ResourceCodec.json().readValue(stored, Sealed.class);
      } catch (IOException e) {
        throw new IllegalStateException("a stored secret value is not an envelope: " + e.getMessage(), e);
      }
    }
  }

  static byte[] associatedData(String secret, int version) {
    return ("ooda-secret:" + secret + ":" + version).getBytes(StandardCharsets.UTF_8);
  }

  static Sealed seal(MasterKey master, String secret, int version, byte[] value, Instant at) throws GeneralSecurityException {
    byte[] ad = associatedData(secret, version);
    KeysetHandle dataKey = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    byte[] ciphertext = dataKey.getPrimitive(RegistryConfiguration.get(), Aead.class).encrypt(value, ad);
    byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, master.aead(), ad);
    return new Sealed(wrapped, ciphertext, at.toString());
  }

  static byte[] open(MasterKey master, String secret, int version, Sealed s) throws GeneralSecurityException {
    byte[] ad = associatedData(secret, version);
    return unwrap(master, ad, s).getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(s.ciphertext(), ad);
  }

  /** The same envelope with its data key wrapped by the master key's current primary. */
  static Sealed rewrap(MasterKey master, String secret, int version, Sealed s) throws GeneralSecurityException {
    byte[] ad = associatedData(secret, version);
    KeysetHandle dataKey = unwrap(master, ad, s);
    return new Sealed(TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, master.aead(), ad), s.ciphertext(), s.written());
  }

  private static KeysetHandle unwrap(MasterKey master, byte[] ad, Sealed s) throws GeneralSecurityException {
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(s.wrappedKey(), master.aead(), ad);
    } catch (GeneralSecurityException e) {
      // Wrapped by a key this node has not seen yet: the keyset may have been rotated elsewhere.
      if (master.reloadIfChanged()) return TinkProtoKeysetFormat.parseEncryptedKeyset(s.wrappedKey(), master.aead(), ad);
      throw e;
    }
  }
}
