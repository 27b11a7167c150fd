package dev.ooda.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a namespace's secret reference into the connection URL it stands for. The default
 * understands {@code env:NAME} (an environment variable) and {@code file:/path} (a file's
 * contents, trimmed, as container platforms mount secrets). {@code secret:NAME} (a Secret of the
 * control plane) needs a resolver that reads the control plane's secrets, which the assembler
 * hands in when the data service runs in the control plane's process.
 */
@FunctionalInterface
public interface SecretResolver {
  /** The secret's value; throws IllegalArgumentException naming the reference when it has none. */
  String resolve(String reference);

  /**
   * The secret's value for a namespace owned by {@code owner}: a resolver of owned secrets refuses
   * one that another service owns. By default the owner plays no part.
   */
  default String resolve(String reference, String owner) {
    return resolve(reference);
  }

  static SecretResolver standard() {
    return ref -> {
      if (ref.startsWith("env:")) {
        String v = System.getenv(ref.substring(4));
        if (v == null || v.isBlank()) throw new IllegalArgumentException("secret " + ref + " is not set");
        return v.trim();
      }
      if (ref.startsWith("file:")) {
        try {
          return Files.readString(Path.of(ref.substring(5)), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
          throw new IllegalArgumentException("secret " + ref + " cannot be read: " + e.getClass().getSimpleName());
        }
      }
      if (ref.startsWith("secret:")) {
        throw new IllegalArgumentException("secret " + ref + " is a Secret of the control plane, which this data service"
            + " reads only when it runs in the control plane's process (ooda up); use env: or file: here");
      }
      throw new IllegalArgumentException("secret " + ref + " is neither env:NAME, file:/path nor secret:NAME");
    };
  }
}
