package dev.ooda.control.identity;

/**
 * Seals the signing keys' private halves before they are written to ZooKeeper and opens them when
 * read. The default keeps them as they are; an envelope-encrypting sealer (Tink AEAD) plugs in here.
 */
public interface KeySealer {
  /** Keeps bytes as they are: private keys are then as safe as the ZooKeeper ensemble. */
  KeySealer IDENTITY = new KeySealer() {
    @Override
    public byte[] seal(byte[] plain) {
      return plain.clone();
    }

    @Override
    public byte[] open(byte[] sealed) {
      return sealed.clone();
    }
  };

  byte[] seal(byte[] plain);

  byte[] open(byte[] sealed);
}
