package dev.ooda.trace;

import java.nio.ByteBuffer;
import java.util.List;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Encoded spans (proto3, as Zipkin's reporters send them), appended to byte pages. A page is
 * dropped once none of its spans is stored any more, never reused. The bytes of a committed span
 * never change, so a reader that noted where a span lies decodes it without a lock, even after
 * the span has left the store.
 *
 * <p>Pages are 256 KB: below half of G1's smallest region (1 MB), so never a "humongous" object
 * that would waste the rest of its regions; large enough that a million spans are under a
 * thousand arrays for the collector, not tens of millions of objects. Not thread-safe.
 */
final class SpanPages {
  static final int PAGE_BYTES = 256 << 10;

  private byte[][] ring = new byte[16][];
  private int[] live = new int[16]; // committed bytes of spans still stored, per page
  private int first; // sequence number of the oldest page kept
  private int open; // sequence number of the page being filled
  private int position; // where the next span goes in the open page
  private long sealedBytes; // bytes of kept pages other than the open one
  private byte[] pending; // an encoded span too big for a page, until committed

  SpanPages() {
    ring[0] = new byte[PAGE_BYTES];
  }

  /** Bytes of the full pages kept; the one being filled is not counted. */
  long sealedBytes() {
    return sealedBytes;
  }

  /**
   * Encodes a span after the last committed one, without committing it; returns the encoded
   * length. It lies in {@link #pendingPage()} from {@link #pendingOffset()}.
   */
  int write(Span span) {
    int size = SpanBytesEncoder.PROTO3.sizeInBytes(span);
    if (size > PAGE_BYTES) { // rare: a page of its own
      pending = new byte[size];
      return SpanBytesEncoder.PROTO3.encodeList(List.of(span), pending, 0);
    }
    pending = null;
    if (position + size > PAGE_BYTES) startPage(new byte[PAGE_BYTES]);
    return SpanBytesEncoder.PROTO3.encodeList(List.of(span), ring[open & mask()], position);
  }

  byte[] pendingPage() {
    return pending != null ? pending : ring[open & mask()];
  }

  int pendingOffset() {
    return pending != null ? 0 : position;
  }

  /** Keeps the span last written; returns the sequence number of its page. */
  int commit(int length) {
    if (pending != null) {
      startPage(pending);
      pending = null;
    }
    live[open & mask()] += length;
    position += length;
    return open;
  }

  /** A stored span is gone; its page goes once none of its spans is left. */
  void release(int page, int length) {
    int i = page & mask();
    if ((live[i] -= length) > 0 || page == open) return;
    sealedBytes -= ring[i].length;
    ring[i] = null;
    while (first != open && ring[first & mask()] == null) first++;
  }

  /** The page of a stored span: readable without a lock, since committed bytes never change. */
  byte[] page(int page) {
    return ring[page & mask()];
  }

  static Span decode(byte[] page, int offset, int length) {
    return SpanBytesDecoder.PROTO3.decodeOne(ByteBuffer.wrap(page, offset, length));
  }

  private void startPage(byte[] page) {
    int sealed = open & mask();
    if (live[sealed] == 0) {
      ring[sealed] = null; // nothing stored in it
    } else {
      sealedBytes += ring[sealed].length;
    }
    if (open + 1 - first >= ring.length) grow();
    open++;
    ring[open & mask()] = page;
    live[open & mask()] = 0;
    position = 0;
    while (first != open && ring[first & mask()] == null) first++;
  }

  private void grow() {
    byte[][] bigger = new byte[ring.length * 2][];
    int[] biggerLive = new int[ring.length * 2];
    int biggerMask = bigger.length - 1;
    for (int seq = first; seq - first < ring.length; seq++) {
      bigger[seq & biggerMask] = ring[seq & mask()];
      biggerLive[seq & biggerMask] = live[seq & mask()];
    }
    ring = bigger;
    live = biggerLive;
  }

  private int mask() {
    return ring.length - 1;
  }
}
