package dev.ooda.flags;

import dev.ooda.model.FlagSpec;

/**
 * Sticky buckets for rollouts (and experiments built on them): a unit (a user id, a session) and a
 * salt always land in the same one of {@link FlagSpec#BUCKETS} buckets, and different salts spread
 * the same units independently.
 */
public final class Buckets {
  private Buckets() {}

  /** The bucket of {@code unit} under {@code salt}, 0 to 9,999: murmur3 of {@code salt:unit}. */
  public static int of(String salt, String unit) {
    return (int) (Integer.toUnsignedLong(Murmur3.hash32(salt, unit, 0)) % FlagSpec.BUCKETS);
  }
}
