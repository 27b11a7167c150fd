package dev.ooda.kit;

import brave.Span;
import brave.Tracer;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.access.AccessRules;
import dev.ooda.access.Decision;
import dev.ooda.access.DecisionLog;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.ServiceToken;
import dev.ooda.access.TokenVerifier;
import dev.ooda.model.Headers;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import io.netty.util.AttributeKey;
import java.util.Collection;

/**
 * The one access stage of a service's server: every request but health checks and scrapes has its
 * {@code ooda-token} verified (audience: this service), its caller taken from the token's
 * {@code sub}, and is decided against this service's group. Refusals answer the decision's
 * 401/403 problem; every decision is counted, refusals and would-be refusals logged, and the
 * server span tagged with the outcome. In mode {@code off}, or without a group, no token is needed
 * and the {@code ooda-caller} header names the caller, as in dev mode.
 */
final class AccessGate implements DecoratingHttpServiceFunction {
  /** The verified caller of a request, for the access log and metrics; unset when the call proved none. */
  static final AttributeKey<String> CALLER = AttributeKey.valueOf(AccessGate.class, "CALLER");
  static final String TAG_OUTCOME = "ooda.access.outcome";
  static final String TAG_DECISION = "ooda.access.decision";

  private final String service;
  /** Null when the kit knows no control plane to take keys from: then a group in force refuses every call. */
  private final TokenVerifier verifier;
  private final DecisionLog decisions;
  private final Tracer tracer;
  private volatile AccessRules rules = AccessRules.NONE;

  AccessGate(String service, TokenVerifier verifier, DecisionLog decisions, Tracer tracer) {
    this.service = service;
    this.verifier = verifier;
    this.decisions = decisions;
    this.tracer = tracer;
  }

  /** The caller to log: the token's service when one verified, else the {@code ooda-caller} hint. */
  static String caller(ServiceRequestContext ctx, com.linecorp.armeria.common.HttpHeaders headers) {
    String verified = ctx.attr(CALLER);
    return verified != null ? verified : headers.get(Headers.CALLER);
  }

  /** Compiles the group of this service from the Service resources, replacing the one in force. */
  void services(Collection<Resource> services) {
    rules = AccessRules.services(services.stream().filter(r -> r.name().equals(service)).toList());
  }

  /** The access mode in force: {@code enforce}, {@code audit} or {@code off}. */
  String mode() {
    return rules.mode(service);
  }

  DecisionLog decisions() {
    return decisions;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    if (OodaService.isInternal(ctx)) return delegate.serve(ctx, req);
    AccessRules r = rules;
    String token = req.headers().get(Headers.TOKEN);
    if (!r.checks(service)) {
      // Dev mode: nothing is required; a token that verifies still names the caller for the logs.
      if (token != null && verifier != null) {
        try {
          ctx.setAttr(CALLER, verifier.verify(token).service());
        } catch (InvalidTokenException ignored) {
          // not checked in mode off
        }
      }
      return delegate.serve(ctx, req);
    }
    String method = req.method().name();
    String path = ctx.path();
    Decision d;
    if (token == null) {
      d = r.unidentified(service, method, path, ProblemType.TOKEN_MISSING, "the call carries no " + Headers.TOKEN + " header");
    } else if (verifier == null) {
      d = r.unidentified(service, method, path, ProblemType.TOKEN_INVALID,
          "this service knows no control plane to take keys from (set Kit.Builder.controlPlane)");
    } else {
      try {
        ServiceToken t = verifier.verify(token);
        ctx.setAttr(CALLER, t.service());
        d = r.decide(t.service(), service, method, path);
      } catch (InvalidTokenException e) {
        d = r.unidentified(service, method, path, ProblemType.TOKEN_INVALID, e.getMessage());
      }
    }
    decisions.record(d);
    Span span = tracer.currentSpan();
    if (span != null) {
      span.tag(TAG_OUTCOME, d.outcome().label());
      if (!d.id().isEmpty()) span.tag(TAG_DECISION, d.id());
    }
    if (d.letsThrough()) return delegate.serve(ctx, req);
    var problem = d.problem();
    ctx.setAttr(ServiceErrors.PROBLEM, problem.slug());
    return ServiceErrors.response(problem);
  }
}
