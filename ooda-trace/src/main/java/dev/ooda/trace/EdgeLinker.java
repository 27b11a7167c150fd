package dev.ooda.trace;

import java.util.Iterator;
import java.util.List;
import java.util.logging.Logger;
import zipkin2.Span;
import zipkin2.Span.Kind;
import zipkin2.internal.SpanNode;

/**
 * Finds the calls between services in a trace, with the rules of zipkin2's
 * {@code DependencyLinker} (so call and error counts equal those of {@code /api/v2/dependencies}),
 * and reports each call with its latency: the caller's client span when it is the direct parent
 * of the span that made the link, else that span's own duration.
 */
final class EdgeLinker {
  /** Receives one call; durationMicros is 0 when the spans carry no duration. */
  interface Sink {
    void call(String parent, String child, boolean error, long durationMicros);
  }

  private final SpanNode.Builder builder = SpanNode.newBuilder(Logger.getLogger(EdgeLinker.class.getName()));

  /** All spans must share a (lower 64-bit) trace id. */
  void putTrace(List<Span> spans, Sink sink) {
    if (spans.isEmpty()) return;
    SpanNode root = builder.build(spans);
    for (Iterator<SpanNode> i = root.traverse(); i.hasNext(); ) {
      SpanNode current = i.next();
      Span span = current.span();
      Kind kind = span.kind();
      // prefer the server's name for a call; a client span without children names it alone
      if (Kind.CLIENT == kind && !current.children().isEmpty()) continue;

      String serviceName = span.localServiceName();
      String remoteServiceName = span.remoteServiceName();
      if (kind == null) {
        if (serviceName == null || remoteServiceName == null) continue;
        kind = Kind.CLIENT; // both sides known: treat as a client span
      }

      String parent;
      String child;
      switch (kind) {
        case SERVER, CONSUMER -> {
          child = serviceName;
          parent = remoteServiceName;
          if (current == root && parent == null) continue; // the root's caller is unknown
        }
        case CLIENT, PRODUCER -> {
          parent = serviceName;
          child = remoteServiceName;
        }
        default -> {
          continue;
        }
      }

      boolean error = span.tags().containsKey("error");
      long duration = span.durationAsLong();
      if (kind == Kind.PRODUCER || kind == Kind.CONSUMER) {
        if (parent != null && child != null) sink.call(parent, child, error, duration);
        continue;
      }

      Span remoteAncestor = firstRemoteAncestor(current);
      String remoteAncestorName;
      if (remoteAncestor != null && (remoteAncestorName = remoteAncestor.localServiceName()) != null) {
        // the remote service name was put on the client side: backfill the link to the client
        if (kind == Kind.CLIENT && serviceName != null && !remoteAncestorName.equals(serviceName)) {
          sink.call(remoteAncestorName, serviceName, false, 0L);
        }
        if (kind == Kind.SERVER || parent == null) parent = remoteAncestorName;

        boolean clientParent = Kind.CLIENT == remoteAncestor.kind();
        // an RPC split into client and server spans: the client may hold the error
        if (!error && clientParent && span.parentId() != null
            && span.parentId().equals(remoteAncestor.id())) {
          error = remoteAncestor.tags().containsKey("error");
        }
        // the caller's view of the call includes the network
        if (clientParent && current.parent().span() == remoteAncestor
            && remoteAncestor.durationAsLong() > 0) {
          duration = remoteAncestor.durationAsLong();
        }
      }
      if (parent == null || child == null) continue;
      sink.call(parent, child, error, duration);
    }
  }

  private static Span firstRemoteAncestor(SpanNode current) {
    for (SpanNode ancestor = current.parent(); ancestor != null; ancestor = ancestor.parent()) {
      Span maybeRemote = ancestor.span();
      if (maybeRemote != null && maybeRemote.kind() != null) return maybeRemote;
    }
    return null;
  }
}
