package dev.ooda.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ooda.model.FunctionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * A function's usage: the sum of the {@code usage.json} files its instances keep in their
 * directories (each the totals of every process that ran in that slot; see the kit's
 * {@code FunctionHost}).
 */
final class FunctionUsage {
  static final String FILE = "usage.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private FunctionUsage() {}

  static FunctionSpec.Status read(Path functionDir, Instant now) {
    long invocations = 0;
    long duration = 0;
    long billed = 0;
    if (Files.isDirectory(functionDir)) {
      try (Stream<Path> slots = Files.list(functionDir)) {
        for (Path slot : slots.filter(Files::isDirectory).toList()) {
          Path f = slot.resolve(FILE);
          if (!Files.isRegularFile(f)) continue;
          try {
            JsonNode n = JSON.readTree(f.toFile());
            invocations += n.path("invocations").asLong();
            duration += n.path("durationMillis").asLong();
            billed += n.path("billedMillis").asLong();
          } catch (IOException e) {
            // being replaced: read again next time
          }
        }
      } catch (IOException e) {
        // read again next time
      }
    }
    return new FunctionSpec.Status(invocations, duration, billed, now.toString());
  }
}
