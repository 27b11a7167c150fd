package dev.ooda.control.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ooda.model.Instance;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;

/**
 * Where the control plane keeps its state in ZooKeeper, and what the registry's znodes hold. The
 * control plane writes this layout and every watcher reads it, so it is defined here once. Paths are
 * relative to the {@link #NAMESPACE} that {@link ZooKeeperClients} opens every client in.
 *
 * <pre>
 * /resources/&lt;kind&gt;/&lt;name&gt;            one resource, as stored by the resource store
 * /changes/c-&lt;revision&gt;                 one change of the resource store, 19 digits
 * /meta/revision                        the store's revision counter
 * /meta/changes-trimmed-through         the newest revision whose change is no longer kept
 * /meta/admin-token-sha256              the admin token's hash, before named admin tokens (migrated to /admin-tokens/bootstrap)
 * /admin-tokens/&lt;name&gt;                 a named admin token: {name, scope, sha256, created}
 * /identity/credentials/&lt;client-id&gt;    a service credential: {clientId, service, sha256, created, revoked}
 * /identity/keys/&lt;kid&gt;                 a token signing key: {kid, created, signsFrom, privateKey (sealed)}
 * /identity/keys-lock                   the lock a control node holds while it rotates keys
 * /registry/instances/&lt;service&gt;/&lt;id&gt;  one registered instance: its JSON, an ephemeral node of the
 *                                       control node that holds its lease
 * /registry/removed/r-&lt;sequence&gt;        a removal note: {"service", "id"} deregistered or expired
 * /registry/nodes/&lt;node&gt;                one control node's registry status, ephemeral
 * /secrets/&lt;name&gt;/v-&lt;version&gt;          one encrypted value of a Secret, 10 digits; never plaintext
 * /contracts/&lt;service&gt;/&lt;major&gt;         the active OpenAPI contract of a major version (ooda-contracts StoredContract)
 * /contract-versions/&lt;service&gt;/&lt;major&gt;/&lt;version&gt; the last push of one version of that major
 * </pre>
 */
public final class ZooKeeperLayout {
  /** Curator namespace of every ooda client: all paths below are under {@code /ooda}. */
  public static final String NAMESPACE = "ooda";

  public static final String RESOURCES = "/resources";
  public static final String CHANGES = "/changes";
  public static final String REVISION = "/meta/revision";
  public static final String CHANGES_TRIMMED_THROUGH = "/meta/changes-trimmed-through";
  public static final String ADMIN_TOKEN_HASH = "/meta/admin-token-sha256";
  public static final String ADMIN_TOKENS = "/admin-tokens";
  public static final String CREDENTIALS = "/identity/credentials";
  public static final String SIGNING_KEYS = "/identity/keys";
  public static final String SIGNING_KEYS_LOCK = "/identity/keys-lock";
  public static final String INSTANCES = "/registry/instances";
  public static final String REMOVALS = "/registry/removed";
  public static final String CONTROL_NODES = "/registry/nodes";
  public static final String SECRET_VALUES = "/secrets";
  public static final String CONTRACTS = "/contracts";
  /** Kept apart from {@link #CONTRACTS}, which gateways' assemblers watch: only the active contracts travel. */
  public static final String CONTRACT_VERSIONS = "/contract-versions";

  private static final String CHANGE_PREFIX = CHANGES + "/c-";
  private static final ObjectReader INSTANCE = ResourceCodec.json().readerFor(Instance.class)
      // Instances written by a newer control node may carry fields this one does not know.
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ZooKeeperLayout() {}

  /** The directory of every resource of one kind. */
  public static String resources(String kind) {
    return RESOURCES + "/" + kind;
  }

  public static String resource(String kind, String name) {
    return resources(kind) + "/" + name;
  }

  public static String change(long revision) {
    return CHANGE_PREFIX + String.format("%019d", revision);
  }

  /** The revision of a change znode, from its name. */
  public static long revisionOfChange(String child) {
    return Long.parseLong(child.substring(child.lastIndexOf('-') + 1));
  }

  public static String adminToken(String name) {
    return ADMIN_TOKENS + "/" + name;
  }

  public static String credential(String clientId) {
    return CREDENTIALS + "/" + clientId;
  }

  public static String signingKey(String kid) {
    return SIGNING_KEYS + "/" + kid;
  }

  /** The directory of one service's instances. */
  public static String instances(String service) {
    return INSTANCES + "/" + service;
  }

  public static String instance(String service, String id) {
    return instances(service) + "/" + id;
  }

  /** {@code [service, id]} of an instance's path, or null for any other path. */
  public static String[] serviceAndId(String path) {
    if (!path.startsWith(INSTANCES + "/")) return null;
    String rest = path.substring(INSTANCES.length() + 1);
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) return null;
    return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
  }

  /** The directory of one secret's encrypted values. */
  public static String secretValues(String secret) {
    return SECRET_VALUES + "/" + secret;
  }

  public static String secretValue(String secret, int version) {
    return secretValues(secret) + "/v-" + String.format("%010d", version);
  }

  /** The version of a secret value znode, from its name. */
  public static int versionOfSecretValue(String child) {
    return Integer.parseInt(child.substring(child.lastIndexOf('-') + 1));
  }

  /** The prefix of a new removal note, created sequential. */
  public static String removalPrefix() {
    return REMOVALS + "/r-";
  }

  public static boolean isRemoval(String path) {
    return path.startsWith(REMOVALS + "/");
  }

  public static String controlNode(String node) {
    return CONTROL_NODES + "/" + node;
  }

  /** The data of an instance's znode. */
  public static byte[] instanceData(Instance i) {
    return ResourceCodec.toJsonBytes(i);
  }

  /** The instance an instance znode holds, or null when it holds nothing readable. */
  public static Instance readInstance(byte[] data) {
    if (data == null || data.length == 0) return null;
    try {
      return INSTANCE.readValue(data);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The data of a removal note. */
  public static byte[] removalData(String service, String id) {
    return ResourceCodec.toJsonBytes(ResourceCodec.json().createObjectNode().put("service", service).put("id", id));
  }

  /** {@code [service, id]} of a removal note's data, or null when it is unreadable. */
  public static String[] readRemoval(byte[] data) {
    if (data == null) return null;
    try {
      JsonNode n = ResourceCodec.json().readTree(data);
      return new String[] {n.path("service").asText(), n.path("id").asText()};
    } catch (IOException e) {
      return null;
    }
  }
}
