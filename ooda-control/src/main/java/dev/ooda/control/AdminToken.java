package dev.ooda.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The bootstrap admin token's file, {@code <data-dir>/admin-token}, readable by its owner only,
 * where the CLI finds it. The token is the admin token named {@code bootstrap} (see
 * {@link dev.ooda.control.identity.AdminTokens}).
 */
public final class AdminToken {
  public static final String FILE_NAME = "admin-token";

  private AdminToken() {}

  /** The token stored in {@code dataDir}, or null. */
  public static String read(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve(FILE_NAME)).trim();
    } catch (IOException e) {
      return null;
    }
  }

  /** Writes {@code token} to {@code <dataDir>/admin-token}, mode 600. */
  public static void writeFile(Path dataDir, String token) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    Files.createDirectories(dataDir);
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.writeString(tmp, token + "\n");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // best effort on file systems without POSIX permissions
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
