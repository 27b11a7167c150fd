package dev.ooda.access;

import dev.ooda.model.RouteSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys one route accepts, kept only as SHA-256 hashes. A presented key is hashed and
 * compared with every stored hash in constant time, so neither the answer time nor a log line
 * tells anything about the keys. Immutable and thread-safe.
 */
public final class ApiKeys {
  /** What every key {@link #generate()} makes starts with, so that leaked keys are easy to find. */
  public static final String PREFIX = "ooda_ak_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  });

  private final String[] names;
  private final byte[][] hashes;

  private ApiKeys(String[] names, byte[][] hashes) {
    this.names = names;
    this.hashes = hashes;
  }

  /** The keys of a route's {@code auth.apiKeys} (already validated: 64 hex digits each). */
  public static ApiKeys of(List<RouteSpec.ApiKey> keys) {
    String[] names = new String[keys.size()];
    byte[][] hashes = new byte[keys.size()][];
    for (int i = 0; i < keys.size(); i++) {
      names[i] = keys.get(i).name();
      hashes[i] = HexFormat.of().parseHex(keys.get(i).sha256().toLowerCase(java.util.Locale.ROOT));
    }
    return new ApiKeys(names, hashes);
  }

  /** The name of the key that {@code presented} is, or null when it is none of them. */
  public String match(String presented) {
    if (presented == null || presented.isEmpty()) return null;
    byte[] h = digest(presented);
    String found = null;
    for (int i = 0; i < hashes.length; i++) {
      // No early exit: every stored hash is compared, whichever matches.
      if (MessageDigest.isEqual(h, hashes[i]) && found == null) found = names[i];
    }
    return found;
  }

  /** The hex SHA-256 of a key, as a route's {@code auth.apiKeys[].sha256} stores it. */
  public static String hash(String key) {
    return HexFormat.of().formatHex(digest(key));
  }

  /** A new random key: {@link #PREFIX} and 32 random bytes, base64url. */
  public static String generate() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] digest(String key) {
    MessageDigest md = SHA256.get();
    md.reset();
    return md.digest(key.getBytes(StandardCharsets.UTF_8));
  }
}
