package dev.ooda.kit.data;

import java.util.UUID;

/**
 * Keys for idempotent writes, one per logical write: every attempt of that write carries the same
 * key, so the data service applies it once however often it is retried. Random UUIDs, from a
 * strong generator: two writes that shared a key would be taken for one, and the second lost.
 */
final class IdempotencyKeys {
  static final String HEADER = "idempotency-key";

  private IdempotencyKeys() {}

  static String next() {
    return UUID.randomUUID().toString();
  }
}
