package dev.ooda.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * A service's credential: what it exchanges at the control plane for tokens of its own. Kept in a
 * credentials file (written by {@code ooda credentials create SERVICE -o FILE}, mode 600):
 * <pre>{"service":"orders","client_id":"orders.ab12cd34","client_secret":"ooda_cs_...","token_url":"http://127.0.0.1:9900/oauth/token"}</pre>
 * A process finds it by {@code --credentials FILE}, or the environment: {@code OODA_CREDENTIALS}
 * (the file's path), or {@code OODA_CLIENT_ID} and {@code OODA_CLIENT_SECRET} (with
 * {@code OODA_TOKEN_URL}, or {@code OODA_SERVER} + {@code /oauth/token}).
 */
public record ServiceCredentials(String service, String clientId, String clientSecret, URI tokenUrl) {
  public static final String ENV_FILE = "OODA_CREDENTIALS";
  public static final String ENV_CLIENT_ID = "OODA_CLIENT_ID";
  public static final String ENV_CLIENT_SECRET = "OODA_CLIENT_SECRET";
  public static final String ENV_TOKEN_URL = "OODA_TOKEN_URL";
  /** Where a local control plane answers for tokens. */
  public static final URI DEFAULT_TOKEN_URL = URI.create("http://127.0.0.1:9900/oauth/token");

  public ServiceCredentials {
    if (clientSecret != null) clientSecret = clientSecret.trim();
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "ServiceCredentials[service=" + service + ", clientId=" + clientId + ", tokenUrl=" + tokenUrl + "]";
  }

  /** Reads a credentials file; errors name the file and the field. */
  public static ServiceCredentials read(Path file) {
    JsonNode n;
    try {
      n = ResourceCodec.json().readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("credentials file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("credentials file " + file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (n == null || !n.isObject()) throw new IllegalArgumentException("credentials file " + file + " must hold a JSON object");
    String service = field(file, n, "service");
    String id = field(file, n, "client_id");
    String secret = field(file, n, "client_secret");
    String url = field(file, n, "token_url");
    if (!id.startsWith(service + ".")) {
      throw new IllegalArgumentException("credentials file " + file + ": client_id '" + id + "' is not a credential of service '" + service + "'");
    }
    return new ServiceCredentials(service, id, secret, tokenUrl(file + ": token_url", url));
  }

  /** The credentials the environment names, if any. */
  public static Optional<ServiceCredentials> fromEnvironment(Map<String, String> env) {
    String file = env.get(ENV_FILE);
    if (file != null && !file.isBlank()) return Optional.of(read(Path.of(file)));
    String id = env.get(ENV_CLIENT_ID);
    String secret = env.get(ENV_CLIENT_SECRET);
    if ((id == null || id.isBlank()) && (secret == null || secret.isBlank())) return Optional.empty();
    if (id == null || id.isBlank()) throw new IllegalArgumentException(ENV_CLIENT_SECRET + " is set but " + ENV_CLIENT_ID + " is not");
    if (secret == null || secret.isBlank()) throw new IllegalArgumentException(ENV_CLIENT_ID + " is set but " + ENV_CLIENT_SECRET + " is not");
    int dot = id.lastIndexOf('.');
    if (dot <= 0) throw new IllegalArgumentException(ENV_CLIENT_ID + " '" + id + "' is not a client id (SERVICE.XXXXXXXX)");
    String url = env.get(ENV_TOKEN_URL);
    URI token;
    if (url != null && !url.isBlank()) {
      token = tokenUrl(ENV_TOKEN_URL, url);
    } else if (env.get("OODA_SERVER") != null && !env.get("OODA_SERVER").isBlank()) {
      token = tokenUrl("OODA_SERVER", env.get("OODA_SERVER").replaceAll("/+$", "") + "/oauth/token");
    } else {
      token = DEFAULT_TOKEN_URL;
    }
    return Optional.of(new ServiceCredentials(id.substring(0, dot), id, secret, token));
  }

  /** {@code file} when given, else the environment's credentials, if any. */
  public static Optional<ServiceCredentials> find(Path file, Map<String, String> env) {
    return file != null ? Optional.of(read(file)) : fromEnvironment(env);
  }

  /** Writes the credentials file, readable by its owner only. */
  public void write(Path file) throws IOException {
    String json = new String(ResourceCodec.toJsonBytes(ResourceCodec.json().createObjectNode()
        .put("service", service).put("client_id", clientId).put("client_secret", clientSecret)
        .put("token_url", tokenUrl.toString())), java.nio.charset.StandardCharsets.UTF_8);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".credentials", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort on file systems without POSIX permissions
      }
      Files.writeString(tmp, json + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String field(Path file, JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) throw new IllegalArgumentException("credentials file " + file + " has no field " + name);
    if (!v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException("credentials file " + file + ": field " + name + " must be a non-empty string");
    return v.asText();
  }

  private static URI tokenUrl(String where, String url) {
    try {
      URI u = URI.create(url);
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException("not http(s)");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " '" + url + "' is not an http(s) URL");
    }
  }
}
