package dev.ooda.deploy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Caps an instance's log files. The instance writes its stdout and stderr straight into files
 * opened for appending (so that its logs survive the supervisor, and an adopted instance keeps
 * logging); when a file passes {@code maxBytes} it is copied to {@code NAME.1} (older copies move
 * up to {@code NAME.<keep>}, the oldest is dropped) and truncated in place, as logrotate's
 * copytruncate does. Lines written between the copy and the truncation are lost: the price of
 * never stopping the writer.
 */
final class RotatingLogs {
  private RotatingLogs() {}

  static void rotateIfLarge(Path file, long maxBytes, int keep) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) <= maxBytes) return;
      String name = file.getFileName().toString();
      Files.deleteIfExists(file.resolveSibling(name + "." + keep));
      for (int i = keep - 1; i >= 1; i--) {
        Path from = file.resolveSibling(name + "." + i);
        if (Files.exists(from)) Files.move(from, file.resolveSibling(name + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
      if (keep >= 1) Files.copy(file, file.resolveSibling(name + ".1"), StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(0);
      }
    } catch (IOException e) {
      // a log that cannot be rotated now is tried again on the next round
    }
  }
}
