package dev.ooda.control.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.AdminToken;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named admin tokens with scopes, on ZooKeeper ({@code /admin-tokens/<name>}: SHA-256, scope,
 * creation time). The token itself is shown once. The token in {@code <data-dir>/admin-token} is
 * the one named {@value #BOOTSTRAP}, with scope admin: the first control node creates it, and creates
 * it again only when no admin-scope token is left. Checks are served from a watched snapshot.
 */
public final class AdminTokens implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminTokens.class);
  public static final String BOOTSTRAP = "bootstrap";
  public static final String PREFIX = "ooda_";

  /** An admin token as stored (without the token). */
  public record Info(String name, AdminScope scope, String sha256, Instant created) {}

  /** A new admin token, shown only here. */
  public record Created(Info info, String token) {}

  private final CuratorFramework zk;
  private final WatchedDirectory dir;
  private volatile Map<String, Info> byName = Map.of();
  private volatile Map<String, Info> byHash = Map.of();

  public AdminTokens(CuratorFramework zk) throws Exception {
    this.zk = zk;
    this.dir = new WatchedDirectory(zk, ZooKeeperLayout.ADMIN_TOKENS, this::compile);
  }

  private void compile(Map<String, byte[]> children) {
    Map<String, Info> names = new HashMap<>();
    Map<String, Info> hashes = new HashMap<>();
    children.forEach((name, data) -> {
      Info i = read(name, data);
      if (i == null) {
        log.warn("admin token {} in ZooKeeper is unreadable; ignoring it", name);
        return;
      }
      names.put(name, i);
      hashes.put(i.sha256(), i);
    });
    byName = Map.copyOf(names);
    byHash = Map.copyOf(hashes);
  }

  /**
   * Makes sure there is a way in: moves the hash of the single admin token of older versions to
   * {@value #BOOTSTRAP}, or creates a bootstrap token (written to {@code <dataDir>/admin-token})
   * when no admin-scope token exists.
   */
  public void ensureBootstrap(Path dataDir) throws Exception {
    try {
      byte[] old = zk.getData().forPath(ZooKeeperLayout.ADMIN_TOKEN_HASH);
      Info migrated = new Info(BOOTSTRAP, AdminScope.ADMIN, new String(old, StandardCharsets.UTF_8).trim(), Instant.now());
      try {
        zk.transaction().forOperations(
            zk.transactionOp().create().forPath(ZooKeeperLayout.adminToken(BOOTSTRAP), write(migrated)),
            zk.transactionOp().delete().forPath(ZooKeeperLayout.ADMIN_TOKEN_HASH));
        dir.awaitVersion(BOOTSTRAP, 0);
        log.info("the admin token is now the admin token named {}", BOOTSTRAP);
      } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException raced) {
        // another control node migrated it
      }
    } catch (KeeperException.NoNodeException nothingToMigrate) {
      // the usual case
    }
    if (byName.values().stream().anyMatch(i -> i.scope() == AdminScope.ADMIN) || hasAdminInZooKeeper()) {
      if (!Files.exists(dataDir.resolve(AdminToken.FILE_NAME))) {
        log.info("the admin tokens were created by another control node; {} has no copy of one", dataDir.resolve(AdminToken.FILE_NAME));
      }
      return;
    }
    String token = Secrets.token(PREFIX, 32);
    Info i = new Info(BOOTSTRAP, AdminScope.ADMIN, Secrets.sha256Hex(token), Instant.now());
    try {
      zk.create().creatingParentContainersIfNeeded().forPath(ZooKeeperLayout.adminToken(BOOTSTRAP), write(i));
    } catch (KeeperException.NodeExistsException raced) {
      return; // another node created it a moment ago
    }
    AdminToken.writeFile(dataDir, token);
    dir.awaitVersion(BOOTSTRAP, 0);
  }

  private boolean hasAdminInZooKeeper() throws Exception {
    for (String name : zk.getChildren().forPath(ZooKeeperLayout.ADMIN_TOKENS)) {
      try {
        Info i = read(name, zk.getData().forPath(ZooKeeperLayout.adminToken(name)));
        if (i != null && i.scope() == AdminScope.ADMIN) return true;
      } catch (KeeperException.NoNodeException gone) {
        // revoked meanwhile
      }
    }
    return false;
  }

  public Created create(String name, AdminScope scope) throws Exception {
    String problem = Names.problem(name);
    if (problem != null) throw new InvalidResourceException(List.of(Violation.of("name", problem)));
    if (scope == null) throw new InvalidResourceException(List.of(Violation.of("scope", "must be one of read, write, admin")));
    String token = Secrets.token(PREFIX, 32);
    Info i = new Info(name, scope, Secrets.sha256Hex(token), Instant.now());
    try {
      zk.create().creatingParentContainersIfNeeded().forPath(ZooKeeperLayout.adminToken(name), write(i));
    } catch (KeeperException.NodeExistsException e) {
      throw new ProblemException(Problem.conflict("an admin token named " + name + " exists; revoke it first to replace it"));
    }
    dir.awaitVersion(name, 0);
    return new Created(i, token);
  }

  public List<Info> list() {
    return byName.values().stream().sorted(Comparator.comparing(Info::name)).toList();
  }

  /** Deletes the token named {@code name}; it is refused from then on. */
  public Info revoke(String name) throws Exception {
    Info i = byName.get(name);
    try {
      zk.delete().forPath(ZooKeeperLayout.adminToken(name));
    } catch (KeeperException.NoNodeException | IllegalArgumentException e) {
      throw new ProblemException(Problem.notFound("there is no admin token named " + name));
    }
    dir.awaitVersion(name, -1);
    return i;
  }

  /** The token's record when {@code token} is a current admin token; null otherwise. */
  public Info authenticate(String token) {
    if (token == null || !token.startsWith(PREFIX)) return null;
    return byHash.get(Secrets.sha256Hex(token));
  }

  private static byte[] write(Info i) {
    return ResourceCodec.toJsonBytes(ResourceCodec.json().createObjectNode()
        .put("name", i.name()).put("scope", i.scope().slug()).put("sha256", i.sha256()).put("created", i.created().toEpochMilli()));
  }

  private static Info read(String name, byte[] data) {
    try {
      JsonNode n = ResourceCodec.json().readTree(data);
      AdminScope scope = AdminScope.parse(n.path("scope").asText(null));
      if (scope == null || !n.path("sha256").isTextual()) return null;
      return new Info(name, scope, n.get("sha256").asText(), Instant.ofEpochMilli(n.path("created").asLong()));
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    dir.close();
  }
}
