package dev.ooda.flags;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3, x86 32-bit variant, over UTF-8 bytes: the hash Unleash and most flag systems bucket
 * with, so the same salt and id fall into the same bucket here as there.
 */
public final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;
  /** Reused per thread, so bucketing encodes without allocating. */
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[256]);

  private Murmur3() {}

  public static int hash32(byte[] data, int offset, int length, int seed) {
    int h1 = seed;
    int end = offset + (length & ~3);
    for (int i = offset; i < end; i += 4) {
      int k1 = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24;
      h1 ^= mixK1(k1);
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int k1 = 0;
    switch (length & 3) {
      case 3:
        k1 ^= (data[end + 2] & 0xff) << 16;
        // fall through
      case 2:
        k1 ^= (data[end + 1] & 0xff) << 8;
        // fall through
      case 1:
        k1 ^= data[end] & 0xff;
        h1 ^= mixK1(k1);
        break;
      default:
        break;
    }
    h1 ^= length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }

  /** The hash of {@code text}'s UTF-8 bytes. */
  public static int hash32(String text, int seed) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return hash32(b, 0, b.length, seed);
  }

  /** The hash of the UTF-8 bytes of {@code a + ":" + b}, without building that string. */
  public static int hash32(String a, String b, int seed) {
    int max = (a.length() + b.length() + 1) * 3;
    byte[] buf = BUFFER.get();
    if (buf.length < max) {
      buf = new byte[Math.max(max, buf.length * 2)];
      BUFFER.set(buf);
    }
    int n = encode(a, buf, 0);
    buf[n++] = ':';
    n = encode(b, buf, n);
    return hash32(buf, 0, n, seed);
  }

  private static int encode(String s, byte[] out, int at) {
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else if (c < 0x800) {
        out[at++] = (byte) (0xc0 | c >> 6);
        out[at++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[at++] = (byte) (0xf0 | cp >> 18);
        out[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
        out[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
        out[at++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        out[at++] = '?'; // a lone surrogate, as String.getBytes encodes it
      } else {
        out[at++] = (byte) (0xe0 | c >> 12);
        out[at++] = (byte) (0x80 | c >> 6 & 0x3f);
        out[at++] = (byte) (0x80 | c & 0x3f);
      }
    }
    return at;
  }

  private static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * C2;
  }
}
