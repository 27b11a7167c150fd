package dev.ooda.gateway.proxy;

import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own service tokens, one per audience (the services its routes call), held for the
 * request path to read: {@link #token(String)} is a map lookup and never waits. Tokens are fetched
 * and re-read every {@link #REFRESH} on a thread of their own from the supplier the assembler gave
 * (which may block: an HTTP exchange at the control plane, or an in-process issuer); a supplier such
 * as {@code TokenSource::token} answers from its own cache until half the token's life is gone.
 */
public final class OriginTokens implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OriginTokens.class);
  /** How often every wanted token is read again from the supplier. */
  public static final Duration REFRESH = Duration.ofSeconds(10);

  /** No identity: requests go to origins without a token. */
  static final OriginTokens NONE = new OriginTokens(null);

  private record Held(String value, long expiresAtMillis) {}

  private final Function<String, String> supplier;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final Set<String> wanted = ConcurrentHashMap.newKeySet();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService refresher;

  /** @param supplier a token for an audience; called off the request path only */
  public OriginTokens(Function<String, String> supplier) {
    this.supplier = supplier;
    if (supplier == null) {
      this.refresher = null;
      return;
    }
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-gateway-tokens");
      t.setDaemon(true);
      return t;
    });
    refresher.scheduleWithFixedDelay(this::refreshAll, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The held token for calls to {@code audience}, or null when none is held yet (a fetch is then
   * started, and the request goes without one).
   */
  String token(String audience) {
    if (supplier == null) return null;
    Held h = held.get(audience);
    if (h != null && System.currentTimeMillis() < h.expiresAtMillis) return h.value;
    if (wanted.add(audience) || h != null) fetchSoon(audience);
    return null;
  }

  /** The audiences the routes call now: fetched ahead of their first request; tokens of others are let go. */
  void want(Collection<String> audiences) {
    if (supplier == null) return;
    Set<String> now = Set.copyOf(audiences);
    wanted.retainAll(now);
    held.keySet().retainAll(now);
    for (String a : now) if (wanted.add(a) || !held.containsKey(a)) fetchSoon(a);
  }

  private void fetchSoon(String audience) {
    if (!pending.add(audience)) return;
    try {
      refresher.execute(() -> {
        try {
          fetch(audience);
        } finally {
          pending.remove(audience);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      pending.remove(audience);
    }
  }

  private void refreshAll() {
    for (String a : wanted) fetch(a);
  }

  private void fetch(String audience) {
    if (!wanted.contains(audience)) return;
    try {
      String token = supplier.apply(audience);
      Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
      held.put(audience, new Held(token, exp == null ? Long.MAX_VALUE : exp.getTime()));
      if (failing.remove(audience)) log.info("gateway token for {} obtained again", audience);
    } catch (Exception e) {
      // Logged once per failing spell; the held token, if any, is used until it expires.
      if (failing.add(audience)) log.warn("cannot obtain the gateway's token for {}: {}", audience, e.getMessage());
    }
  }

  @Override
  public void close() {
    if (refresher != null) refresher.shutdownNow();
  }
}
