package dev.ooda.gateway.resilience;

import java.util.concurrent.ConcurrentHashMap;

/** The one {@link Origin} per address. */
public final class Origins {
  private final ConcurrentHashMap<String, Origin> byAuthority = new ConcurrentHashMap<>();

  Origin get(String host, int port) {
    return get(host, port, false);
  }

  public Origin get(String host, int port, boolean tls) {
    return byAuthority.computeIfAbsent((tls ? "https|" : "http|") + host + "|" + port, k -> new Origin(host, port, tls));
  }

  /** Drops origins nobody names any more and nothing is in flight to. */
  public void retain(java.util.Set<Origin> live) {
    byAuthority.values().removeIf(o -> !live.contains(o) && o.inFlight() == 0);
  }

  public int size() {
    return byAuthority.size();
  }
}
