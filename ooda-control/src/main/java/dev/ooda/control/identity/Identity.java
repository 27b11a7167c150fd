package dev.ooda.control.identity;

import com.linecorp.armeria.server.ServerBuilder;
import dev.ooda.access.KeySource;
import dev.ooda.access.TokenClaims;
import dev.ooda.access.TokenVerifier;
import dev.ooda.control.client.TokenSource;
import java.nio.file.Path;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

/**
 * The platform's identities, assembled for one control node: credentials, admin tokens, signing
 * keys and their rotation, the token issuer, the OAuth endpoints and the admin API that manages them.
 */
public final class Identity implements AutoCloseable {
  /**
   * @param keys   key rotation period, token lifetime and JWKS max-age
   * @param sealer what seals the signing keys' private halves in ZooKeeper
   */
  public record Options(SigningKeys.Options keys, KeySealer sealer) {
    public static final Options DEFAULTS = new Options(SigningKeys.Options.DEFAULTS, KeySealer.IDENTITY);
  }

  private record Cached(Object ring, Set<String> revoked, KeySource.Keys keys) {}

  private final CredentialStore credentials;
  private final AdminTokens adminTokens;
  private final SigningKeys keys;
  private final TokenIssuer issuer;
  private final AdminGuard guard;
  private final KeySource keySource;
  private final RegistryGuard registryGuard;
  private volatile Cached cached = new Cached(null, null, KeySource.Keys.NONE);

  private Identity(CredentialStore credentials, AdminTokens adminTokens, SigningKeys keys) {
    this.credentials = credentials;
    this.adminTokens = adminTokens;
    this.keys = keys;
    this.issuer = new TokenIssuer(keys);
    this.guard = new AdminGuard(adminTokens);
    this.keySource = KeySource.inProcess(this::currentKeys);
    this.registryGuard = new RegistryGuard(credentials, adminTokens, new TokenVerifier(TokenClaims.CONTROL, keySource));
  }

  /** Loads identities from ZooKeeper, makes sure a bootstrap admin token and a signing key exist, and starts key rotation. */
  public static Identity start(CuratorFramework zk, Path dataDir, Options options) throws Exception {
    Options o = options == null ? Options.DEFAULTS : options;
    CredentialStore credentials = null;
    AdminTokens tokens = null;
    try {
      credentials = new CredentialStore(zk);
      tokens = new AdminTokens(zk);
      tokens.ensureBootstrap(dataDir);
      SigningKeys keys = SigningKeys.start(zk, o.keys(), o.sealer());
      return new Identity(credentials, tokens, keys);
    } catch (Exception e) {
      if (tokens != null) tokens.close();
      if (credentials != null) credentials.close();
      throw e;
    }
  }

  /** The published keys and revoked credentials, the same snapshot until either changes. */
  private KeySource.Keys currentKeys() {
    Cached c = cached;
    var published = keys.published();
    Set<String> revoked = credentials.revoked();
    if (c.ring() == published && c.revoked() == revoked) return c.keys();
    KeySource.Keys k = new KeySource.Keys(published, revoked);
    cached = new Cached(published, revoked, k);
    return k;
  }

  /** Mounts the OAuth endpoints and the admin API of credentials and admin tokens. */
  public void mount(ServerBuilder sb) {
    new OAuthApi(credentials, keys, issuer).mount(sb);
    new IdentityApi(credentials, adminTokens, guard).mount(sb);
  }

  public CredentialStore credentials() {
    return credentials;
  }

  public AdminTokens adminTokens() {
    return adminTokens;
  }

  public TokenIssuer issuer() {
    return issuer;
  }

  public AdminGuard adminGuard() {
    return guard;
  }

  public RegistryGuard registryGuard() {
    return registryGuard;
  }

  /** The keys verifiers in this JVM trust (the platform's own roles), without HTTP. */
  public KeySource keySource() {
    return keySource;
  }

  /** Tokens of {@code service} for the platform's own roles in this JVM, issued without a credential. */
  public TokenSource tokensOf(String service) {
    return TokenSource.of(service, audience -> issuer.issue(service, audience));
  }

  @Override
  public void close() {
    keys.close();
    adminTokens.close();
    credentials.close();
  }
}
