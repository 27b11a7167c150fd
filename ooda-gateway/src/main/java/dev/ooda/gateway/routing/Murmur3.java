package dev.ooda.gateway.routing;

import java.nio.charset.StandardCharsets;

/** MurmurHash3 x86_32 of a string's UTF-8 bytes: stable across JVMs, releases and machines. */
final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  static int hash32(String key) {
    return hash32(key.getBytes(StandardCharsets.UTF_8), 0);
  }

  static int hash32(byte[] data, int seed) {
    int h = seed;
    int len = data.length;
    int blocks = len >>> 2;
    for (int i = 0; i < blocks; i++) {
      int j = i << 2;
      int k = (data[j] & 0xff) | (data[j + 1] & 0xff) << 8 | (data[j + 2] & 0xff) << 16 | (data[j + 3] & 0xff) << 24;
      k *= C1;
      k = Integer.rotateLeft(k, 15);
      k *= C2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks << 2;
    int k = 0;
    switch (len & 3) {
      case 3: k ^= (data[tail + 2] & 0xff) << 16; // fall through
      case 2: k ^= (data[tail + 1] & 0xff) << 8; // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        k *= C2;
        h ^= k;
      default:
    }
    h ^= len;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
