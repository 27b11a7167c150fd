package dev.ooda.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;

/**
 * Parts of a request body kept to be sent again: to a retry's new origin connection, or to a mirror.
 * It owns what it holds and releases it.
 */
final class ReplayBuffer {
  /** Bodies up to this size are kept for a retry or a mirror; larger ones are not replayed. */
  static final int LIMIT = 64 * 1024;

  private final ArrayList<HttpContent> parts = new ArrayList<>(4);
  private long bytes;
  private boolean ended;

  long bytes() {
    return bytes;
  }

  /** Whether {@code n} more bytes stay within {@link #LIMIT}. */
  boolean fits(int n) {
    return bytes + n <= LIMIT;
  }

  /** Whether the last part kept ends the body. */
  boolean ended() {
    return ended;
  }

  /** Keeps {@code c}; the buffer now owns it. */
  void add(HttpContent c) {
    parts.add(c);
    bytes += c.content().readableBytes();
    ended = c instanceof LastHttpContent;
  }

  /** Writes what is kept to {@code ch}: copies when {@code keep}, else the parts themselves, emptying the buffer. */
  void writeTo(Channel ch, boolean keep) {
    for (int i = 0; i < parts.size(); i++) {
      HttpContent c = parts.get(i);
      ch.write(keep ? c.retainedDuplicate() : c, ch.voidPromise());
    }
    if (!keep) {
      parts.clear();
      bytes = 0;
      ended = false;
    }
  }

  /** The body as one buffer, which the caller owns; the buffer is empty after. */
  ByteBuf drain() {
    if (parts.isEmpty()) return Unpooled.EMPTY_BUFFER;
    CompositeByteBuf c = Unpooled.compositeBuffer(parts.size());
    for (int i = 0; i < parts.size(); i++) c.addComponent(true, parts.get(i).content());
    parts.clear();
    bytes = 0;
    ended = false;
    return c;
  }

  void release() {
    for (int i = 0; i < parts.size(); i++) parts.get(i).release();
    parts.clear();
    bytes = 0;
    ended = false;
  }
}
