package dev.ooda.control.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.ooda.access.TokenClaims;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.ResourceCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P-256 keys that sign service tokens, on ZooKeeper ({@code /identity/keys/<kid>}, private
 * halves sealed by a {@link KeySealer}), rotated on a schedule that any control node may run (under
 * a Curator lock):
 * <ul>
 *   <li>the next key is published at least one JWKS max-age before it signs anything, so every
 *       verifier has it before it sees a token it signed;
 *   <li>the newest key whose {@code signsFrom} has come signs; the one it replaced stays published
 *       until the last token that one signed has expired (token lifetime + clock skew), then is
 *       withdrawn.
 * </ul>
 * The first key signs at once, since no verifier can have cached a key set without it.
 */
public final class SigningKeys implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

  /**
   * @param rotation   how long each key signs before the next takes over (default 24 h)
   * @param lifetime   how long a token is valid (default 10 min)
   * @param jwksMaxAge how long verifiers may cache the published keys (default 60 s)
   */
  public record Options(Duration rotation, Duration lifetime, Duration jwksMaxAge) {
    public static final Options DEFAULTS = new Options(Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofSeconds(60));

    public Options {
      if (rotation.compareTo(jwksMaxAge) <= 0) {
        throw new IllegalArgumentException("the key rotation period (" + rotation + ") must be longer than the JWKS max-age (" + jwksMaxAge + ")");
      }
      if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("the token lifetime must be at least 1 s");
    }
  }

  /** One key as this node knows it. */
  record Key(String kid, Instant signsFrom, ECKey privateKey) {}

  /** Every published key, by {@code signsFrom}, and their public halves. */
  record Ring(List<Key> keys, JWKSet published) {
    static final Ring EMPTY = new Ring(List.of(), new JWKSet());

    /** The newest key whose time to sign has come, or null. */
    Key signing(Instant now) {
      Key k = null;
      for (Key each : keys) if (!each.signsFrom().isAfter(now)) k = each;
      return k;
    }
  }

  private final CuratorFramework zk;
  private final Options options;
  private final KeySealer sealer;
  private final Clock clock;
  private final InterProcessMutex lock;
  private final WatchedDirectory dir;
  private final ScheduledExecutorService timer;
  private volatile Ring ring = Ring.EMPTY;

  private SigningKeys(CuratorFramework zk, Options options, KeySealer sealer, Clock clock) throws Exception {
    this.zk = zk;
    this.options = options;
    this.sealer = sealer;
    this.clock = clock;
    this.lock = new InterProcessMutex(zk, ZooKeeperLayout.SIGNING_KEYS_LOCK);
    this.dir = new WatchedDirectory(zk, ZooKeeperLayout.SIGNING_KEYS, this::compile);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-key-rotation");
      t.setDaemon(true);
      return t;
    });
  }

  /** Loads the keys, creating the first one if there is none, and starts the rotation schedule. */
  public static SigningKeys start(CuratorFramework zk, Options options, KeySealer sealer) throws Exception {
    SigningKeys k = new SigningKeys(zk, options, sealer, Clock.systemUTC());
    try {
      k.rotate();
    } catch (Exception e) {
      k.close();
      throw e;
    }
    long every = Math.max(50, Math.min(30_000, Math.min(options.jwksMaxAge().toMillis() / 2, options.rotation().toMillis() / 4)));
    k.timer.scheduleWithFixedDelay(() -> {
      try {
        k.rotate();
      } catch (Exception e) {
        log.warn("key rotation failed; trying again in {} ms: {}", every, e.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    return k;
  }

  public Options options() {
    return options;
  }

  /** The key that signs now. */
  Key signing() {
    Key k = ring.signing(clock.instant());
    if (k == null) throw new IllegalStateException("no signing key is ready yet");
    return k;
  }

  /** The public keys verifiers trust: the signing key, the next one, and retired ones still covering live tokens. */
  public JWKSet published() {
    return ring.published();
  }

  /** One turn of the schedule: publishes the next key and withdraws expired ones when due. */
  void rotate() throws Exception {
    if (!lock.acquire(10, TimeUnit.SECONDS)) return; // another node is at it
    try {
      Instant now = clock.instant();
      // Published two max-ages ahead: one for every verifier's cache to expire, one of slack for a
      // slow write or a slow fetch, so that no verifier meets a token signed by a key it never saw.
      Duration ahead = options.jwksMaxAge().multipliedBy(2);
      List<Stored> keys = readAll();
      Stored active = null;
      Stored next = null;
      for (Stored s : keys) {
        if (!s.signsFrom().isAfter(now)) active = s;
        else if (next == null) next = s;
      }
      if (active == null && next == null) {
        create(now);
      } else if (active != null && next == null
          && !now.isBefore(active.signsFrom().plus(options.rotation()).minus(ahead))) {
        Instant at = later(now.plus(ahead), active.signsFrom().plus(options.rotation()));
        create(at);
      }
      // A key is withdrawn once the key after it has signed for a whole token lifetime (+ skew).
      for (int i = 0; i + 1 < keys.size(); i++) {
        Instant successorFrom = keys.get(i + 1).signsFrom();
        if (!successorFrom.isAfter(now) && now.isAfter(successorFrom.plus(options.lifetime()).plus(TokenClaims.SKEW))) {
          try {
            zk.delete().forPath(ZooKeeperLayout.signingKey(keys.get(i).kid()));
            log.info("signing key {} withdrawn: the last token it signed has expired", keys.get(i).kid());
          } catch (KeeperException.NoNodeException gone) {
            // already withdrawn
          }
        }
      }
    } finally {
      lock.release();
    }
  }

  private record Stored(String kid, Instant signsFrom) {}

  private List<Stored> readAll() throws Exception {
    List<Stored> out = new ArrayList<>();
    for (String kid : zk.getChildren().forPath(ZooKeeperLayout.SIGNING_KEYS)) {
      try {
        JsonNode n = ResourceCodec.json().readTree(zk.getData().forPath(ZooKeeperLayout.signingKey(kid)));
        out.add(new Stored(kid, Instant.ofEpochMilli(n.path("signsFrom").asLong())));
      } catch (KeeperException.NoNodeException gone) {
        // withdrawn meanwhile
      }
    }
    out.sort(Comparator.comparing(Stored::signsFrom).thenComparing(Stored::kid));
    return out;
  }

  private void create(Instant signsFrom) throws Exception {
    String kid = "k-" + signsFrom.toEpochMilli() + "-" + Secrets.base32(6);
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
    byte[] sealed = sealer.seal(key.toJSONString().getBytes(StandardCharsets.UTF_8));
    byte[] data = ResourceCodec.toJsonBytes(ResourceCodec.json().createObjectNode()
        .put("kid", kid).put("created", clock.millis()).put("signsFrom", signsFrom.toEpochMilli())
        .put("privateKey", Base64.getEncoder().encodeToString(sealed)));
    zk.create().creatingParentContainersIfNeeded().forPath(ZooKeeperLayout.signingKey(kid), data);
    dir.awaitVersion(kid, 0);
    log.info("signing key {} published; it signs from {}", kid, signsFrom);
  }

  private void compile(Map<String, byte[]> children) {
    List<Key> keys = new ArrayList<>();
    children.forEach((kid, data) -> {
      try {
        JsonNode n = ResourceCodec.json().readTree(data);
        byte[] opened = sealer.open(Base64.getDecoder().decode(n.path("privateKey").asText()));
        JWK jwk = JWK.parse(new String(opened, StandardCharsets.UTF_8));
        keys.add(new Key(kid, Instant.ofEpochMilli(n.path("signsFrom").asLong()), jwk.toECKey()));
      } catch (Exception e) {
        log.warn("signing key {} cannot be read; it is left out: {}", kid, e.toString());
      }
    });
    keys.sort(Comparator.comparing(Key::signsFrom).thenComparing(Key::kid));
    List<JWK> pub = new ArrayList<>();
    for (Key k : keys) pub.add(k.privateKey().toPublicJWK());
    ring = new Ring(List.copyOf(keys), new JWKSet(pub));
  }

  /**
   * Seals each stored private key again, so that it opens with the sealer's newest key alone: a
   * master key rotation calls this before it disables the old key.
   */
  public void reseal() {
    try {
      for (String kid : zk.getChildren().forPath(ZooKeeperLayout.SIGNING_KEYS)) {
        org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
        byte[] data = zk.getData().storingStatIn(stat).forPath(ZooKeeperLayout.signingKey(kid));
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) ResourceCodec.json().readTree(data);
        byte[] opened = sealer.open(Base64.getDecoder().decode(n.path("privateKey").asText()));
        n.put("privateKey", Base64.getEncoder().encodeToString(sealer.seal(opened)));
        // A concurrent change (rotation on another node) wins; that node sealed with the same keyset.
        zk.setData().withVersion(stat.getVersion()).forPath(ZooKeeperLayout.signingKey(kid), ResourceCodec.toJsonBytes(n));
      }
    } catch (org.apache.zookeeper.KeeperException.BadVersionException | org.apache.zookeeper.KeeperException.NoNodeException raced) {
      log.info("a signing key changed while it was resealed: {}", raced.getMessage());
    } catch (Exception e) {
      throw new IllegalStateException("resealing the signing keys failed: " + e.getMessage(), e);
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    dir.close();
  }

}
