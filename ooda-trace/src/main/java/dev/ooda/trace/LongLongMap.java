package dev.ooda.trace;

/**
 * A hash map from long to non-negative long in two arrays (open addressing, linear probing), so
 * that an index of a million entries is two objects for the collector to trace, not a million.
 * Not thread-safe.
 */
final class LongLongMap {
  private long[] keys = new long[16];
  private long[] values = new long[16]; // value + 1; 0 marks a free slot
  private int size;

  int size() {
    return size;
  }

  /** The value of {@code key}, or -1. */
  long get(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); values[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == key) return values[i] - 1;
    }
    return -1;
  }

  void put(long key, long value) {
    if (value < 0) throw new IllegalArgumentException("negative value " + value);
    int mask = keys.length - 1;
    int i = slot(key, mask);
    for (; values[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == key) {
        values[i] = value + 1;
        return;
      }
    }
    keys[i] = key;
    values[i] = value + 1;
    if (++size * 2 > keys.length) resize(keys.length * 2);
  }

  void remove(long key) {
    int mask = keys.length - 1;
    int hole = slot(key, mask);
    while (values[hole] != 0 && keys[hole] != key) hole = (hole + 1) & mask;
    if (values[hole] == 0) return;
    size--;
    // move later entries of the run into the hole when their probe passes it, so no search stops early
    for (int j = (hole + 1) & mask; values[j] != 0; j = (j + 1) & mask) {
      if (((j - slot(keys[j], mask)) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    values[hole] = 0;
  }

  private void resize(int capacity) {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[capacity];
    values = new long[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] == 0) continue;
      int j = slot(oldKeys[i], mask);
      while (values[j] != 0) j = (j + 1) & mask;
      keys[j] = oldKeys[i];
      values[j] = oldValues[i];
    }
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
