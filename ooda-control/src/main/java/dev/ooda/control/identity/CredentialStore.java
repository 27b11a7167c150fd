package dev.ooda.control.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service credentials on ZooKeeper ({@code /identity/credentials/<client-id>}). The secret is shown
 * once, when created; only its SHA-256 is stored. A revoked credential is kept, with the time of
 * the revoke, so that verifiers learn to refuse the tokens issued for it. Reads are served from a
 * watched, compiled snapshot, so checks on the request path touch no ZooKeeper.
 */
public final class CredentialStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CredentialStore.class);
  public static final String SECRET_PREFIX = "ooda_cs_";

  /** A credential as stored (without its secret). {@code revoked} is null while it is valid. */
  public record Credential(String clientId, String service, String sha256, Instant created, Instant revoked) {
    public boolean isRevoked() {
      return revoked != null;
    }
  }

  /** A new credential and its secret, which is never shown again. */
  public record Created(Credential credential, String secret) {}

  private record Snapshot(Map<String, Credential> byId, Set<String> secured, Set<String> revoked) {}

  private final CuratorFramework zk;
  private final WatchedDirectory dir;
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Set.of(), Set.of());

  public CredentialStore(CuratorFramework zk) throws Exception {
    this.zk = zk;
    this.dir = new WatchedDirectory(zk, ZooKeeperLayout.CREDENTIALS, this::compile);
  }

  private void compile(Map<String, byte[]> children) {
    Map<String, Credential> byId = new HashMap<>();
    Set<String> secured = new HashSet<>();
    Set<String> revoked = new HashSet<>();
    children.forEach((id, data) -> {
      Credential c = read(data);
      if (c == null) {
        log.warn("credential {} in ZooKeeper is unreadable; ignoring it", id);
        return;
      }
      byId.put(c.clientId(), c);
      secured.add(c.service());
      if (c.isRevoked()) revoked.add(c.clientId());
    });
    snapshot = new Snapshot(Map.copyOf(byId), Set.copyOf(secured), Set.copyOf(revoked));
  }

  /** Issues a credential for {@code service}. */
  public Created create(String service) throws Exception {
    String problem = Names.problem(service);
    if (problem != null) throw new InvalidResourceException(List.of(Violation.of("service", problem)));
    for (int attempt = 0; ; attempt++) {
      String id = service + "." + Secrets.base32(8);
      String secret = Secrets.token(SECRET_PREFIX, 32);
      Credential c = new Credential(id, service, Secrets.sha256Hex(secret), Instant.now(), null);
      try {
        zk.create().creatingParentContainersIfNeeded().forPath(ZooKeeperLayout.credential(id), write(c));
      } catch (KeeperException.NodeExistsException clash) {
        if (attempt < 3) continue;
        throw clash;
      }
      dir.awaitVersion(id, 0);
      return new Created(c, secret);
    }
  }

  /** Every credential, or those of one service, oldest first. */
  public List<Credential> list(String service) {
    return snapshot.byId().values().stream()
        .filter(c -> service == null || c.service().equals(service))
        .sorted(Comparator.comparing(Credential::created).thenComparing(Credential::clientId))
        .toList();
  }

  /** Revokes a credential: it gets no more tokens, and the tokens it got are refused. Revoking twice keeps the first time. */
  public Credential revoke(String clientId) throws Exception {
    String path = ZooKeeperLayout.credential(clientId);
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        throw new ProblemException(Problem.notFound("there is no credential " + clientId));
      } catch (IllegalArgumentException badPath) {
        throw new ProblemException(Problem.notFound("there is no credential " + clientId));
      }
      Credential c = read(data);
      if (c == null) throw new IllegalStateException("credential " + clientId + " in ZooKeeper is unreadable");
      if (c.isRevoked()) return c;
      Credential revoked = new Credential(c.clientId(), c.service(), c.sha256(), c.created(), Instant.now());
      try {
        Stat written = zk.setData().withVersion(stat.getVersion()).forPath(path, write(revoked));
        dir.awaitVersion(clientId, written.getVersion());
        return revoked;
      } catch (KeeperException.BadVersionException raced) {
        // changed meanwhile: read it again
      }
    }
  }

  /** The valid credential {@code clientId} when {@code secret} is its secret; null otherwise. */
  public Credential authenticate(String clientId, String secret) {
    Credential c = clientId == null ? null : snapshot.byId().get(clientId);
    if (c == null || secret == null) return null;
    if (!Secrets.sameHash(c.sha256(), Secrets.sha256Hex(secret))) return null;
    return c.isRevoked() ? null : c;
  }

  /** The credential {@code clientId}, valid or revoked, or null. */
  public Credential find(String clientId) {
    return snapshot.byId().get(clientId);
  }

  /**
   * True once {@code service} has a credential, valid or revoked: from then on its instances
   * register only with its token. Revoking every credential does not open it again.
   */
  public boolean isSecured(String service) {
    return snapshot.secured().contains(service);
  }

  /** Client ids revoked at or after {@code since}. */
  public List<String> revokedSince(Instant since) {
    return snapshot.byId().values().stream()
        .filter(c -> c.isRevoked() && !c.revoked().isBefore(since))
        .map(Credential::clientId).sorted().toList();
  }

  /** Every revoked client id: the same immutable set until a credential changes. */
  public Set<String> revoked() {
    return snapshot.revoked();
  }

  private static byte[] write(Credential c) {
    var n = ResourceCodec.json().createObjectNode()
        .put("clientId", c.clientId()).put("service", c.service()).put("sha256", c.sha256())
        .put("created", c.created().toEpochMilli());
    if (c.revoked() != null) n.put("revoked", c.revoked().toEpochMilli());
    return ResourceCodec.toJsonBytes(n);
  }

  private static Credential read(byte[] data) {
    try {
      JsonNode n = ResourceCodec.json().readTree(data);
      if (!n.path("clientId").isTextual() || !n.path("service").isTextual() || !n.path("sha256").isTextual()) return null;
      return new Credential(n.get("clientId").asText(), n.get("service").asText(), n.get("sha256").asText(),
          Instant.ofEpochMilli(n.path("created").asLong()),
          n.hasNonNull("revoked") ? Instant.ofEpochMilli(n.get("revoked").asLong()) : null);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    dir.close();
  }
}
