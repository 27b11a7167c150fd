package dev.ooda.kit.data;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Keys for idempotent writes: 128 random bits, one per logical write. Every attempt of that write
 * carries the same key, so the data service applies it once however often it is retried.
 */
final class IdempotencyKeys {
  static final String HEADER = "idempotency-key";

  private IdempotencyKeys() {}

  static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return hex(r.nextLong()) + hex(r.nextLong());
  }

  private static String hex(long v) {
    String h = Long.toHexString(v);
    return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
  }
}
