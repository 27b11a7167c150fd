package dev.ooda.data.access;

import dev.ooda.access.AccessRules;
import dev.ooda.access.Decision;
import dev.ooda.access.DecisionLog;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.KeySource;
import dev.ooda.access.TokenVerifier;
import dev.ooda.model.Headers;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Collection;
import java.util.List;

/**
 * Who may use which namespace: its owner, and the services its grants name ({@code read} or
 * {@code write}), in the owner's access mode. Callers prove who they are with an
 * {@code ooda-token} for the audience {@code data}. GETs need {@code read}, everything else
 * {@code write}. The rules are compiled once per change of namespaces or services and swapped
 * whole; the steady-state check is a cached token lookup and a map lookup.
 */
public final class NamespaceAccess {
  /** The audience of tokens for calls to the data service: its service name. */
  static final String AUDIENCE = "data";

  private final DecisionLog decisions = new DecisionLog(AUDIENCE);
  private Collection<Resource> namespaces = List.of();
  private Collection<Resource> services = List.of();
  private volatile AccessRules rules = AccessRules.NONE;
  private volatile TokenVerifier verifier;

  /** The caller a check verified, and the problem to refuse with (null to let the request through). */
  public record Verdict(String caller, Problem problem) {
    static final Verdict PASS = new Verdict(null, null);
  }

  public synchronized void namespaces(Collection<Resource> namespaces) {
    this.namespaces = List.copyOf(namespaces);
    compile();
  }

  public synchronized void services(Collection<Resource> services) {
    this.services = List.copyOf(services);
    compile();
  }

  public void keys(KeySource keys) {
    this.verifier = keys == null ? null : new TokenVerifier(AUDIENCE, keys);
  }

  private void compile() {
    List<Resource> ns = namespaces.stream().filter(r -> r.spec() instanceof NamespaceSpec).toList();
    rules = AccessRules.namespaces(ns, AccessRules.services(services));
  }

  public DecisionLog decisions() {
    return decisions;
  }

  /** Checks a request to {@code namespace} (null for requests outside any namespace, which are not checked). */
  public Verdict check(String method, String path, String namespace, HttpHeaders headers) {
    if (namespace == null) return Verdict.PASS;
    AccessRules r = rules;
    if (!r.checks(namespace)) return Verdict.PASS;
    String access = method.equals("GET") || method.equals("HEAD") ? AccessRules.READ : AccessRules.WRITE;
    String token = headers.get(Headers.TOKEN);
    TokenVerifier v = verifier;
    String caller = null;
    Decision d;
    if (token == null) {
      d = r.unidentified(namespace, access, path, ProblemType.TOKEN_MISSING, "the call carries no " + Headers.TOKEN + " header");
    } else if (v == null) {
      d = r.unidentified(namespace, access, path, ProblemType.TOKEN_INVALID, "the data service has no keys to check tokens with");
    } else {
      try {
        caller = v.verify(token).service();
        d = r.decide(caller, namespace, access, path);
      } catch (InvalidTokenException e) {
        d = r.unidentified(namespace, access, path, ProblemType.TOKEN_INVALID, e.getMessage());
      }
    }
    decisions.record(d);
    return new Verdict(caller, d.letsThrough() ? null : d.problem());
  }
}
