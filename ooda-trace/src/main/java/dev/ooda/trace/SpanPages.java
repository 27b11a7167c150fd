package dev.ooda.trace;

import java.nio.ByteBuffer;
import java.util.List;
import zipkin2.Annotation;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Encoded spans, appended to byte pages: proto3 (as Zipkin's reporters send them), or JSON v2 for
 * the rare span that proto3 would not give back equal (see {@link #proto3Keeps}). A page is
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
  int write(Span span, boolean json) {
    byte[] encoded = json ? SpanBytesEncoder.JSON_V2.encode(span) : null;
    int size = json ? encoded.length : SpanBytesEncoder.PROTO3.sizeInBytes(span);
    if (size > PAGE_BYTES) { // rare: a page of its own
      pending = json ? encoded : SpanBytesEncoder.PROTO3.encode(span);
      return size;
    }
    pending = null;
    if (position + size > PAGE_BYTES) startPage(new byte[PAGE_BYTES]);
    if (!json) return SpanBytesEncoder.PROTO3.encodeList(List.of(span), ring[open & mask()], position);
    System.arraycopy(encoded, 0, ring[open & mask()], position, size);
    return size;
  }

  /**
   * False when proto3 would drop part of the span: it leaves out empty strings and zeros, which
   * the model keeps in an annotation (timestamp, value) and in a tag's key. Zipkin's JSON accepts
   * them, and answers must give back what was sent.
   */
  static boolean proto3Keeps(Span span) {
    List<Annotation> annotations = span.annotations();
    for (int i = 0; i < annotations.size(); i++) {
      Annotation a = annotations.get(i);
      if (a.timestamp() == 0L || a.value().isEmpty()) return false;
    }
    return !span.tags().containsKey("");
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

  static Span decode(byte[] page, int offset, int length, boolean json) {
    return (json ? SpanBytesDecoder.JSON_V2 : SpanBytesDecoder.PROTO3).decodeOne(ByteBuffer.wrap(page, offset, length));
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
