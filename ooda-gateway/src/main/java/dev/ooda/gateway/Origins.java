package dev.ooda.gateway;

import java.util.concurrent.ConcurrentHashMap;

/** The one {@link Origin} per address. */
final class Origins {
  private final ConcurrentHashMap<String, Origin> byAuthority = new ConcurrentHashMap<>();

  Origin get(String host, int port) {
    return byAuthority.computeIfAbsent(host + "|" + port, k -> new Origin(host, port));
  }

  int size() {
    return byAuthority.size();
  }
}
