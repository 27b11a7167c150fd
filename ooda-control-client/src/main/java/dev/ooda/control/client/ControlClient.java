package dev.ooda.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A small client of the admin API, on the JDK's HTTP client so that the CLI starts fast. Errors
 * come back as {@link ProblemException} carrying the server's problem document.
 */
public final class ControlClient {
  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public ControlClient(URI base, String token) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = token;
  }

  /** Applies YAML (or JSON, which is YAML too) documents. */
  public JsonNode apply(String documents) {
    return send(request("/api/v1/apply").header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(documents)));
  }

  public JsonNode list(String kind) {
    return send(request("/api/v1/" + HttpAnswers.segment(kind)).GET());
  }

  public JsonNode get(String kind, String name) {
    return send(request("/api/v1/" + HttpAnswers.segment(kind) + "/" + HttpAnswers.segment(name)).GET());
  }

  public JsonNode delete(String kind, String name) {
    return send(request("/api/v1/" + HttpAnswers.segment(kind) + "/" + HttpAnswers.segment(name)).DELETE());
  }

  /** Issues a credential for {@code service}: {@code {client_id, client_secret, service, created}}, the secret shown only here. */
  public JsonNode createCredential(String service) {
    return send(request("/api/v1/credentials").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(ResourceCodec.json().createObjectNode().put("service", service).toString())));
  }

  /** The credentials (never their secrets), of one service or of all when {@code service} is null. */
  public JsonNode credentials(String service) {
    return send(request("/api/v1/credentials" + (service == null ? "" : "?service=" + HttpAnswers.segment(service))).GET());
  }

  public JsonNode revokeCredential(String clientId) {
    return send(request("/api/v1/credentials/" + HttpAnswers.segment(clientId)).DELETE());
  }

  /** Creates a named admin token: {@code {name, scope, token, created}}, the token shown only here. */
  public JsonNode createAdminToken(String name, String scope) {
    return send(request("/api/v1/admin-tokens").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(ResourceCodec.json().createObjectNode().put("name", name).put("scope", scope).toString())));
  }

  public JsonNode adminTokens() {
    return send(request("/api/v1/admin-tokens").GET());
  }

  public JsonNode revokeAdminToken(String name) {
    return send(request("/api/v1/admin-tokens/" + HttpAnswers.segment(name)).DELETE());
  }

  /**
   * Writes a new value of secret {@code name} (creating it, owned by {@code owner}); answers
   * {@code {name, owner, version, changed}}. {@code description} null keeps the stored one.
   */
  public JsonNode setSecret(String name, String owner, String description, byte[] value) {
    String q = "?owner=" + HttpAnswers.segment(owner == null ? "" : owner)
        + (description == null ? "" : "&description=" + HttpAnswers.segment(description));
    return send(request("/api/v1/secrets/" + HttpAnswers.segment(name) + "/value" + q)
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(value)));
  }

  /** The results of experiment {@code name}; {@code sequential} for the always-valid (mSPRT) figures. */
  public JsonNode experimentResults(String name, boolean sequential) {
    return send(request("/api/v1/experiments/" + HttpAnswers.segment(name) + "/results" + (sequential ? "?sequential=true" : "")).GET());
  }

  /** Sends a batch of exposures and events, {@code {"exposures": [...], "events": [...]}}; answers the counts kept. */
  public JsonNode sendExperimentEvents(byte[] batch) {
    return send(request("/api/v1/experiments/events").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(batch)));
  }

  /** Rotates the master key of secrets; answers {@code {primary, rewrapped, disabled}}. */
  public JsonNode rotateMasterKey(boolean keepOld) {
    return send(request("/api/v1/master-key/rotate" + (keepOld ? "?keepOld=true" : ""))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * Streams changes after {@code from} to {@code onChange} until it returns false or the stream
   * ends. Each change is {@code {revision, type, resource}}.
   */
  public void watch(long from, Predicate<JsonNode> onChange) throws IOException {
    // HttpURLConnection streams the body as it arrives, which is all a watch needs.
    java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(base + "/api/v1/watch?from=" + from).toURL().openConnection();
    c.setRequestProperty("Accept", "text/event-stream");
    c.setConnectTimeout(5_000);
    try {
      if (c.getResponseCode() != 200) {
        throw new ProblemException(HttpAnswers.problem(c.getResponseCode(), new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)));
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        StringBuilder data = new StringBuilder();
        String event = null;
        while ((line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if ("gone".equals(event)) throw new ProblemException(HttpAnswers.problem(410, data.toString()));
            if (data.length() > 0 && !onChange.test(ResourceCodec.json().readTree(data.toString()))) return;
            data.setLength(0);
            event = null;
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          }
        }
      }
    } finally {
      c.disconnect();
    }
  }

  /**
   * Evaluates flag {@code key} for {@code context} at the control plane (OFREP). Answers the OFREP
   * document: {@code {key, value, variant, reason, metadata}}, or {@code {key, errorCode, errorDetails}}
   * for a flag that does not exist or a context that is refused.
   */
  public JsonNode evaluateFlag(String key, java.util.Map<String, String> context) {
    var body = ResourceCodec.json().createObjectNode();
    var ctx = body.putObject("context");
    context.forEach(ctx::put);
    HttpRequest.Builder b = request("/ofrep/v1/evaluate/flags/" + HttpAnswers.segment(key))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode n = ResourceCodec.json().readTree(r.body());
      if (r.statusCode() >= 500 || !n.has("key")) throw new ProblemException(HttpAnswers.problem(r.statusCode(), r.body()));
      return n;
    } catch (ConnectException e) {
      throw new ProblemException(Problem.of(ProblemType.UNREACHABLE,
          "cannot reach the control plane at " + base + " (is `ooda up` running? set --server or OODA_SERVER)"));
    } catch (IOException e) {
      throw new ProblemException(Problem.of(ProblemType.UNREACHABLE, "talking to " + base + " failed: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The control node's flag evaluation counts: {@code {usage: [{flag, variant, count, lastEvaluated}]}}. */
  public JsonNode flagUsage() {
    return send(request("/api/v1/flag-usage").GET());
  }

  /** Whether {@code from} may call {@code to} with this method and path, by the groups in the store. */
  public JsonNode accessCheck(String from, String to, String method, String path) {
    String q = "from=" + enc(from) + "&to=" + enc(to) + "&method=" + enc(method) + "&path=" + enc(path);
    return send(request("/api/v1/access/check?" + q).GET());
  }

  /**
   * Pushes {@code document} (OpenAPI 3, YAML or JSON) as the contract of {@code version} of
   * {@code service}; answers the admission ({@code outcome}, {@code changes}, {@code breaking}).
   */
  public JsonNode pushContract(String service, String version, String document) {
    return send(request("/api/v1/contracts/" + HttpAnswers.segment(service) + "/" + HttpAnswers.segment(version))
        .header("Content-Type", "application/yaml").PUT(HttpRequest.BodyPublishers.ofString(document)));
  }

  /** Every service's active contracts, without their documents: {@code {items: [{service, major, version, flag}]}}. */
  public JsonNode contracts() {
    return send(request("/api/v1/contracts").GET());
  }

  /** The active contracts of {@code service}, one per major version, with their documents and operations. */
  public JsonNode contract(String service) {
    return send(request("/api/v1/contracts/" + HttpAnswers.segment(service)).GET());
  }

  /** The changes from version {@code from} to {@code to} of {@code service}, breaking ones with their callers. */
  public JsonNode contractDiff(String service, String from, String to) {
    return send(request("/api/v1/contracts/" + HttpAnswers.segment(service) + "/diff?from=" + enc(from) + "&to=" + enc(to)).GET());
  }

  /** Each operation of {@code service}'s active contracts with the callers seen within its window. */
  public JsonNode contractCallers(String service) {
    return send(request("/api/v1/contracts/" + HttpAnswers.segment(service) + "/callers").GET());
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  private JsonNode send(HttpRequest.Builder b) {
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new ProblemException(Problem.of(ProblemType.UNREACHABLE,
          "cannot reach the control plane at " + base + " (is `ooda up` running? set --server or OODA_SERVER)"));
    } catch (IOException e) {
      throw new ProblemException(Problem.of(ProblemType.UNREACHABLE,
          "talking to " + base + " failed: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (r.statusCode() >= 400) throw new ProblemException(HttpAnswers.problem(r.statusCode(), r.body()));
    try {
      return ResourceCodec.json().readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("the control plane answered with something that is not JSON: " + r.body());
    }
  }
}
