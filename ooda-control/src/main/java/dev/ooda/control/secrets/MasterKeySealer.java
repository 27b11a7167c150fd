package dev.ooda.control.secrets;

import dev.ooda.control.identity.KeySealer;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * Seals the token signing keys' private halves with the master key, the way secret values are
 * sealed (a fresh data key each, wrapped by the master key), so that ZooKeeper alone does not give
 * away the keys that make tokens.
 */
public final class MasterKeySealer implements KeySealer {
  /** Binds each sealed key to its purpose: it does not open as a secret's value. */
  private static final String PURPOSE = "ooda-signing-key";

  private final MasterKey master;

  public MasterKeySealer(MasterKey master) {
    this.master = master;
  }

  @Override
  public byte[] seal(byte[] plain) {
    try {
      return Envelope.seal(master, PURPOSE, 0, plain, Instant.now()).toBytes();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing a signing key failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] open(byte[] sealed) {
    try {
      return Envelope.open(master, PURPOSE, 0, Envelope.Sealed.of(sealed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a signing key does not open with the master key from " + master.origin(), e);
    }
  }
}
