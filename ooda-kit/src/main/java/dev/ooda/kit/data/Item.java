package dev.ooda.kit.data;

import java.time.Instant;

/**
 * One item of a key-value record.
 *
 * @param id        the record's id
 * @param key       the item's key
 * @param value     the value, read into the type asked for
 * @param expiresAt when the item expires; null when it does not, or when it was read in a listing
 */
public record Item<T>(String id, String key, T value, Instant expiresAt) {}
