package dev.ooda.control.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ooda.model.Headers;
import dev.ooda.model.Instance;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of the registry API, on the JDK's HTTP client. It knows one or more control nodes,
 * sticks to one and moves to the next when that one cannot be reached or answers 503; errors come
 * back as {@link ProblemException} carrying the server's problem document.
 */
public final class RegistryClient {
  /** Where the registry API is on a control node. */
  public static final String API = "/api/v1/registry";
  private static final ObjectReader INSTANCE = ResourceCodec.json().readerFor(Instance.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * The answer to a registration or renewal.
   *
   * @param contract what the control plane made of the OpenAPI document the registration brought
   *                 ({@code outcome}, {@code changes}, {@code breaking}), or null when it brought none
   */
  public record Leased(Instance instance, Duration heartbeat, Duration expiry, boolean registered, URI server,
                       JsonNode contract) {}

  private final List<URI> servers;
  /** The service's own tokens, sent with registrations once the service has a credential; may be null. */
  private final TokenSource tokens;
  /** An admin token, for operators' changes such as draining; may be null. */
  private final String adminToken;
  private final AtomicInteger current = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();

  public RegistryClient(URI server) {
    this(List.of(server));
  }

  /** @param servers control nodes' API base URLs, e.g. {@code http://control-1:9900}; tried in order */
  public RegistryClient(List<URI> servers) {
    if (servers.isEmpty()) throw new IllegalArgumentException("no control node to talk to");
    List<URI> s = new ArrayList<>();
    for (URI u : servers) {
      String t = u.toString();
      s.add(URI.create(t.endsWith("/") ? t.substring(0, t.length() - 1) : t));
    }
    this.servers = List.copyOf(s);
    this.tokens = null;
    this.adminToken = null;
  }

  private RegistryClient(List<URI> servers, TokenSource tokens, String adminToken) {
    this.servers = servers;
    this.tokens = tokens;
    this.adminToken = adminToken;
  }

  /** This client sending the service's token ({@code ooda-token}, audience {@code urn:ooda:control}) with every change. */
  public RegistryClient withTokens(TokenSource tokens) {
    return new RegistryClient(servers, tokens, adminToken);
  }

  /** This client sending an admin token ({@code Authorization: Bearer}) with every change. */
  public RegistryClient withAdminToken(String token) {
    return new RegistryClient(servers, tokens, token == null || token.isBlank() ? null : token);
  }

  /** Registers an instance and keeps its lease alive until {@link InstanceLease#close()}. */
  public InstanceLease register(String service, InstanceRegistration r) {
    return register(service, r, null);
  }

  /**
   * Registers an instance with the OpenAPI document of its version ({@code openapi}: YAML or JSON
   * text; null for none). The control plane checks the document against the active contract of the
   * version's major first; a breaking one may be refused ({@code contract-breaking}), and then
   * nothing is registered. Heartbeats do not carry the document.
   */
  public InstanceLease register(String service, InstanceRegistration r, String openapi) {
    String body = json(r);
    if (openapi != null) {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) ResourceCodec.json().valueToTree(r);
      tree.put("openapi", openapi);
      body = tree.toString();
    }
    Leased first = leased(send("POST", "/services/" + HttpAnswers.segment(service) + "/instances", body));
    return InstanceLease.start(this, service, r, first);
  }

  /** Renews the lease of {@code id}, registering it again under that id if the node does not hold it. */
  public Leased heartbeat(String service, String id, InstanceRegistration r) {
    return leased(send("PUT", "/services/" + HttpAnswers.segment(service) + "/instances/" + HttpAnswers.segment(id), json(r)));
  }

  public Instance setStatus(String service, String id, Instance.Status status) {
    return instance(send("PUT", "/services/" + HttpAnswers.segment(service) + "/instances/" + HttpAnswers.segment(id) + "/status",
        "{\"status\":\"" + status.name() + "\"}").body());
  }

  public void deregister(String service, String id) {
    send("DELETE", "/services/" + HttpAnswers.segment(service) + "/instances/" + HttpAnswers.segment(id), null);
  }

  /** The instances of {@code service}, or of every service when it is null. */
  public List<Instance> instances(String service) {
    JsonNode body = send("GET", "/instances" + (service == null ? "" : "?service=" + HttpAnswers.segment(service)), null).body();
    List<Instance> out = new ArrayList<>();
    for (JsonNode n : body.path("items")) out.add(instance(n));
    return out;
  }

  /** Every control node's registry status, as {@code GET /api/v1/registry/status} answers it. */
  public JsonNode status() {
    return send("GET", "/status", null).body();
  }

  record Answer(int status, JsonNode body, URI server) {}

  private Answer send(String method, String path, String body) {
    ProblemException last = null;
    int start = current.get();
    for (int n = 0; n < servers.size(); n++) {
      int at = (start + n) % servers.size();
      URI base = servers.get(at);
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + API + path))
          .timeout(Duration.ofSeconds(10))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) b.header("Content-Type", "application/json");
      if (!method.equals("GET")) {
        if (tokens != null) b.header(Headers.TOKEN, tokens.token(TokenSource.CONTROL));
        if (adminToken != null) b.header("Authorization", "Bearer " + adminToken);
      }
      HttpResponse<String> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        last = new ProblemException(Problem.of(ProblemType.UNREACHABLE,
            "cannot reach the control plane at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProblemException(Problem.of(ProblemType.INTERRUPTED, "interrupted while talking to " + base));
      }
      if (r.statusCode() == 503) {
        last = new ProblemException(HttpAnswers.problem(r.statusCode(), r.body()));
        continue;
      }
      current.set(at); // stay with the node that answered
      if (r.statusCode() >= 400) throw new ProblemException(HttpAnswers.problem(r.statusCode(), r.body()));
      try {
        return new Answer(r.statusCode(), ResourceCodec.json().readTree(r.body()), base);
      } catch (IOException e) {
        throw new IllegalStateException("the control plane answered with something that is not JSON: " + r.body());
      }
    }
    if (servers.size() > 1) current.set((start + 1) % servers.size());
    throw last;
  }

  private static Leased leased(Answer a) {
    JsonNode lease = a.body().path("lease");
    return new Leased(instance(a.body().get("instance")), Duration.ofMillis(lease.path("heartbeatMillis").asLong(5000)),
        Duration.ofMillis(lease.path("expiryMillis").asLong(15000)), a.status() == 201, a.server(),
        a.body().hasNonNull("contract") ? a.body().get("contract") : null);
  }

  private static Instance instance(JsonNode n) {
    try {
      return INSTANCE.readValue(n);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable instance: " + n);
    }
  }

  private static String json(InstanceRegistration r) {
    return new String(ResourceCodec.toJsonBytes(r), StandardCharsets.UTF_8);
  }

}
