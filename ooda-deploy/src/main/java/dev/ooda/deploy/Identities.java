package dev.ooda.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.Headers;
import dev.ooda.model.SecretSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity the platform gives each deployed service: one credential per service, issued
 * through the admin API the first time an instance of it starts and kept in
 * {@code <root>/<service>/credentials.json} (mode 600), which instances find through
 * {@code OODA_CREDENTIALS}. A credential that was revoked meanwhile is replaced by a new one.
 * Issuing it makes the service secured: from then on only holders of its token register its
 * instances. Also resolves {@code secret:NAME} environment values with that credential, since
 * only a secret's owner may read it.
 */
public final class Identities {
  private final ControlClient admin;
  private final URI control;
  private final Path root;
  private final Map<String, ServiceCredentials> issued = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param admin   an admin client of the control plane, to issue credentials
   * @param control the control plane's URL as this process reaches it (token and secret requests)
   * @param root    where each service's credentials file is kept
   */
  public Identities(ControlClient admin, URI control, Path root) {
    this.admin = admin;
    this.control = control;
    this.root = root;
  }

  /** The credentials file of {@code service}, issuing a credential when it has none of ours that is valid. */
  synchronized Path credentialsFile(String service) throws IOException {
    credentials(service);
    return root.resolve(service).resolve("credentials.json");
  }

  /** The credential of {@code service}, issued (and kept in its file) when it has none of ours that is valid. */
  public synchronized ServiceCredentials credentials(String service) throws IOException {
    Path file = root.resolve(service).resolve("credentials.json");
    ServiceCredentials known = issued.get(service);
    if (known == null && Files.isRegularFile(file)) {
      try {
        ServiceCredentials c = ServiceCredentials.read(file);
        if (c.service().equals(service) && valid(c.clientId())) known = c;
      } catch (IllegalArgumentException unreadable) {
        // issue a new one below
      }
    }
    if (known == null) {
      JsonNode c = admin.createCredential(service);
      known = new ServiceCredentials(service, c.get("client_id").asText(), c.get("client_secret").asText(),
          TokenSource.tokenUrl(control));
      known.write(file);
    }
    issued.put(service, known);
    return known;
  }

  private boolean valid(String clientId) {
    for (JsonNode c : admin.credentials(null).path("items")) {
      if (c.path("client_id").asText().equals(clientId)) return !c.has("revoked");
    }
    return false;
  }

  /** {@code env} with each {@code secret:NAME} value replaced by the secret's current value. */
  public Map<String, String> resolve(String service, Map<String, String> env) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    TokenSource tokens = null;
    try {
      for (Map.Entry<String, String> e : env.entrySet()) {
        String v = e.getValue();
        if (!v.startsWith(SecretSpec.REFERENCE_PREFIX)) {
          out.put(e.getKey(), v);
          continue;
        }
        if (tokens == null) tokens = TokenSource.forCredentials(ServiceCredentials.read(credentialsFile(service)));
        String name = v.substring(SecretSpec.REFERENCE_PREFIX.length());
        HttpRequest req = HttpRequest.newBuilder(URI.create(control.toString().replaceAll("/+$", "") + "/api/v1/secrets/" + name + "/value"))
            .header(Headers.TOKEN, tokens.token(TokenSource.CONTROL)).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<byte[]> r;
        try {
          r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while reading secret " + name);
        }
        if (r.statusCode() != 200) {
          throw new IOException("env " + e.getKey() + ": secret " + name + " could not be read as service " + service
              + " (HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8) + ")");
        }
        out.put(e.getKey(), new String(r.body(), StandardCharsets.UTF_8));
      }
    } finally {
      if (tokens != null) tokens.close();
    }
    return out;
  }
}
