package dev.ooda.gateway;

import java.util.concurrent.ConcurrentHashMap;

/** The one {@link Origin} per address. */
final class Origins {
  private final ConcurrentHashMap<String, Origin> byAuthority = new ConcurrentHashMap<>();

  Origin get(String host, int port) {
    return get(host, port, false);
  }

  Origin get(String host, int port, boolean tls) {
    return byAuthority.computeIfAbsent((tls ? "https|" : "http|") + host + "|" + port, k -> new Origin(host, port, tls));
  }

  /** Drops origins nobody names any more and nothing is in flight to. */
  void retain(java.util.Set<Origin> live) {
    byAuthority.values().removeIf(o -> !live.contains(o) && o.inFlight() == 0);
  }

  int size() {
    return byAuthority.size();
  }
}
