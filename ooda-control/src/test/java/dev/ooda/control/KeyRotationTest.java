package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.RemoteKeySource;
import dev.ooda.access.TokenVerifier;
import dev.ooda.control.identity.Identity;
import dev.ooda.control.identity.KeySealer;
import dev.ooda.control.identity.SigningKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

  /**
   * Keys rotate every 2 s with a JWKS max-age of 1 s while tokens are issued and verified without
   * pause by a remote verifier: every good token verifies, across at least three keys.
   */
  @Test
  void rotationUnderSteadyVerificationRefusesNoGoodToken() throws Exception {
    Identity.Options fast = new Identity.Options(
        new SigningKeys.Options(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(1)), KeySealer.IDENTITY);
    try (TestControl t = TestControl.start(null, fast)) {
      TokenVerifier verifier = new TokenVerifier("catalog", new RemoteKeySource(URI.create(t.control.url())));
      Set<String> kids = new HashSet<>();
      List<String> refused = new ArrayList<>();
      int verified = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (kids.size() < 3 && System.nanoTime() < deadline) {
        String token = t.control.identity().issuer().issue("orders", "catalog").value();
        kids.add(SignedJWT.parse(token).getHeader().getKeyID());
        try {
          verifier.verify(token);
          verified++;
        } catch (InvalidTokenException e) {
          refused.add(e.reason() + ": " + e.getMessage());
        }
      }
      assertThat(kids).as("keys that signed").hasSizeGreaterThanOrEqualTo(3);
      assertThat(refused).as("good tokens refused out of " + (verified + refused.size())).isEmpty();
    }
  }

  /** The single admin token of earlier versions keeps working, as the admin token named bootstrap. */
  @Test
  void theEarlierAdminTokenIsMigratedToBootstrap() throws Exception {
    try (TestingServer zk = new TestingServer(true);
         var client = dev.ooda.control.client.ZooKeeperClients.connect(zk.getConnectString())) {
      String old = "ooda_earlier-token";
      String hash = java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(old.getBytes(StandardCharsets.UTF_8)));
      client.create().creatingParentsIfNeeded().forPath(dev.ooda.control.client.ZooKeeperLayout.ADMIN_TOKEN_HASH,
          hash.getBytes(StandardCharsets.UTF_8));
      try (ControlPlane c = ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), Files.createTempDirectory("ooda-m")).build())) {
        JsonNode tokens = new dev.ooda.control.client.ControlClient(URI.create(c.url()), old).adminTokens();
        assertThat(tokens.get("items")).hasSize(1);
        assertThat(tokens.get("items").get(0).get("name").asText()).isEqualTo("bootstrap");
        assertThat(tokens.get("items").get(0).get("scope").asText()).isEqualTo("admin");
        assertThat(client.checkExists().forPath(dev.ooda.control.client.ZooKeeperLayout.ADMIN_TOKEN_HASH)).isNull();
      }
    }
  }
}
