package dev.ooda.control.secrets;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key that wraps every secret's data keys: a Tink AEAD keyset (AES256-GCM keys). It
 * comes from {@code OODA_MASTER_KEY} (the keyset's JSON, or a path to it) or from
 * {@code <data-dir>/master-key}, created (mode 600) on first start. Every control node of a
 * cluster must be given the same keyset.
 *
 * <p>The keyset may hold several keys: the primary wraps, every enabled key unwraps (Tink picks the
 * key by the id prefixed to each ciphertext), which is what lets a rotation re-wrap while reads go
 * on. When a wrap does not open and the keyset came from a file that changed since it was read
 * (another node rotated, and the file was copied here), the file is read again.
 */
public final class MasterKey {
  private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
  public static final String FILE_NAME = "master-key";
  public static final String ENV = "OODA_MASTER_KEY";

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The keyset and the AEAD made from it, swapped together. */
  private record Loaded(KeysetHandle keyset, Aead aead, FileTime modified) {}

  private final Path file; // null when the keyset was given inline
  private final String origin;
  private volatile Loaded loaded;

  private MasterKey(Path file, String origin, Loaded loaded) {
    this.file = file;
    this.origin = origin;
    this.loaded = loaded;
  }

  /** The master key as the environment or {@code dataDir} gives it, creating the file if there is none. */
  public static MasterKey load(Path dataDir, Map<String, String> env) {
    String given = env.get(ENV);
    if (given != null && !given.isBlank()) {
      String g = given.trim();
      if (g.startsWith("{")) {
        return new MasterKey(null, ENV + " (inline keyset)", new Loaded(parse(g, ENV), aead(parse(g, ENV)), null));
      }
      Path p = Path.of(g);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(ENV + " names " + p + ", which is not a file (give the keyset's JSON or a path to it)");
      }
      return fromFile(p);
    }
    Path p = dataDir.resolve(FILE_NAME);
    if (!Files.exists(p)) create(p);
    return fromFile(p);
  }

  /** A fresh master key held in memory only (tests). */
  public static MasterKey generate() {
    try {
      KeysetHandle h = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      return new MasterKey(null, "memory", new Loaded(h, aead(h), null));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MasterKey fromFile(Path p) {
    return new MasterKey(p, p.toString(), read(p));
  }

  private static Loaded read(Path p) {
    try {
      FileTime modified = Files.getLastModifiedTime(p);
      KeysetHandle h = parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
      return new Loaded(h, aead(h), modified);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the master key " + p + ": " + e.getMessage(), e);
    }
  }

  private static KeysetHandle parse(String json, String where) {
    try {
      return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the master key in " + where + " is not a Tink keyset in JSON: " + e.getMessage());
    }
  }

  private static Aead aead(KeysetHandle h) {
    try {
      return h.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the master key is not an AEAD keyset: " + e.getMessage());
    }
  }

  private static void create(Path p) {
    try {
      write(p, KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
      log.info("created the master key {} (every control node of a cluster needs this same file)", p);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the keyset beside the file and moves it in, readable by its owner only. */
  private static void write(Path p, KeysetHandle h) {
    try {
      Files.createDirectories(p.toAbsolutePath().getParent());
      Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort on file systems without POSIX permissions
      }
      Files.writeString(tmp, TinkJsonProtoKeysetFormat.serializeKeyset(h, InsecureSecretKeyAccess.get()));
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the master key " + p + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The AEAD that wraps with the primary key and unwraps with any enabled key. */
  Aead aead() {
    return loaded.aead();
  }

  /**
   * Reads the keyset file again if it changed since it was read; true when it did. Called when a
   * wrap does not open, so a node picks up a keyset rotated elsewhere.
   */
  synchronized boolean reloadIfChanged() {
    if (file == null) return false;
    try {
      if (Files.getLastModifiedTime(file).equals(loaded.modified())) return false;
    } catch (IOException e) {
      return false;
    }
    loaded = read(file);
    log.info("read the master key {} again: it changed", file);
    return true;
  }

  /** The id of the primary key, which wraps new data keys. */
  public int primaryId() {
    return loaded.keyset().getPrimary().getId();
  }

  /** Ids of the keys that still unwrap (enabled), primary included. */
  public java.util.List<Integer> enabledIds() {
    KeysetHandle h = loaded.keyset();
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < h.size(); i++) if (h.getAt(i).getStatus() == KeyStatus.ENABLED) out.add(h.getAt(i).getId());
    return out;
  }

  /** Where the keyset comes from, for messages. */
  public String origin() {
    return origin;
  }

  /**
   * Adds a fresh key and makes it the primary; the old keys stay enabled so that every existing
   * wrap still opens. Saved to the file first, then used. Returns the new primary's id.
   */
  synchronized int addPrimary() {
    requireFile();
    try {
      KeysetHandle next = KeysetHandle.newBuilder(loaded.keyset())
          .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
          .build();
      save(next);
      return next.getPrimary().getId();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Disables every key but the primary: wraps made with them no longer open. */
  synchronized java.util.List<Integer> disableAllButPrimary() {
    requireFile();
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(loaded.keyset());
      java.util.List<Integer> disabled = new java.util.ArrayList<>();
      for (int i = 0; i < b.size(); i++) {
        KeysetHandle.Builder.Entry e = b.getAt(i);
        if (!e.isPrimary() && e.getStatus() == KeyStatus.ENABLED) {
          e.setStatus(KeyStatus.DISABLED);
          disabled.add(loaded.keyset().getAt(i).getId());
        }
      }
      if (!disabled.isEmpty()) save(b.build());
      return disabled;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void save(KeysetHandle next) {
    if (file != null) write(file, next);
    FileTime modified = null;
    try {
      if (file != null) modified = Files.getLastModifiedTime(file);
    } catch (IOException ignored) {
      // reloadIfChanged then reads the file once more, which is harmless
    }
    loaded = new Loaded(next, aead(next), modified);
  }

  private void requireFile() {
    if (file == null && !"memory".equals(origin)) {
      throw new dev.ooda.model.ProblemException(dev.ooda.model.Problem.conflict("the master key comes from " + origin
          + " and cannot be rotated in place: give " + ENV + " as a path to a keyset file, or use <data-dir>/" + FILE_NAME));
    }
  }
}
