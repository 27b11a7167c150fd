package dev.ooda.control;

import dev.ooda.control.client.ZooKeeperLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token that writes over HTTP need. The first control plane to start creates it, keeps
 * only its SHA-256 in ZooKeeper (so every control node can check it) and writes the token itself
 * to {@code <data-dir>/admin-token}, readable by its owner only, where the CLI finds it.
 */
public final class AdminToken {
  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
  private static final String HASH_PATH = ZooKeeperLayout.ADMIN_TOKEN_HASH;
  public static final String FILE_NAME = "admin-token";

  private final byte[] hash;

  private AdminToken(byte[] hash) {
    this.hash = hash;
  }

  /** Reads the token's hash from ZooKeeper, creating a token first if there is none. */
  public static AdminToken ensure(CuratorFramework zk, Path dataDir) throws Exception {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      byte[] stored = zk.getData().forPath(HASH_PATH);
      if (!Files.exists(file)) {
        log.info("the admin token was created by another control node; {} has no copy of it", file);
      }
      return new AdminToken(HexFormat.of().parseHex(new String(stored, StandardCharsets.UTF_8)));
    } catch (KeeperException.NoNodeException first) {
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      String token = "ooda_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      byte[] h = sha256(token);
      try {
        zk.create().creatingParentsIfNeeded().forPath(HASH_PATH, HexFormat.of().formatHex(h).getBytes(StandardCharsets.UTF_8));
      } catch (KeeperException.NodeExistsException raced) {
        return ensure(zk, dataDir);
      }
      write(file, token);
      return new AdminToken(h);
    }
  }

  /** True when {@code token} is the admin token. Constant time. */
  public boolean matches(String token) {
    return token != null && MessageDigest.isEqual(hash, sha256(token));
  }

  /** The token stored in {@code dataDir}, or null. */
  public static String read(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve(FILE_NAME)).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path file, String token) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.writeString(tmp, token + "\n");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // best effort on file systems without POSIX permissions
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
