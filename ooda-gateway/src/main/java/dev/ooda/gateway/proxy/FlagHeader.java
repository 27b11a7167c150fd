package dev.ooda.gateway.proxy;

import dev.ooda.flags.Evaluation;
import dev.ooda.model.Headers;
import dev.ooda.model.Problem;
import io.netty.util.AsciiString;

/**
 * Tells the origin which variants the route's flags gave the request, in {@code ooda-flags}
 * ({@code key=variant,...}), so that a service does not evaluate them again and a trace shows them.
 * Only the gateway sets it: a value from outside is dropped.
 */
final class FlagHeader implements InboundStage {
  static final AsciiString NAME = AsciiString.cached(Headers.FLAGS);

  @Override
  public Problem apply(InboundRequest r) {
    r.headers.remove(NAME);
    String[] keys = r.route.sentFlags;
    if (keys.length == 0) return null;
    StringBuilder b = new StringBuilder();
    for (String key : keys) {
      Evaluation e = r.flag(key);
      if (e.variant() == null) continue;
      if (b.length() > 0) b.append(',');
      b.append(key).append('=').append(e.variant());
    }
    if (b.length() > 0) {
      r.flagHeader = b.toString();
      r.headers.set(NAME, r.flagHeader);
    }
    return null;
  }
}
