package dev.ooda.control.identity;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.HttpService;
import dev.ooda.control.Problems;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits admin API requests by their admin token ({@code Authorization: Bearer ooda_...}) and its
 * scope: 401 {@code unauthorized} without a valid token, 403 {@code scope-missing} when its scope is
 * too small. Every write (any method but GET and HEAD) logs one JSON line to the logger
 * {@value #AUDIT_LOGGER}: ts, token, scope, method, path, status.
 */
public final class AdminGuard {
  public static final String AUDIT_LOGGER = "ooda.audit";
  private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER);

  private final AdminTokens tokens;

  public AdminGuard(AdminTokens tokens) {
    this.tokens = tokens;
  }

  /** {@code delegate}, for holders of a token with scope {@code needed} or more. */
  public HttpService require(AdminScope needed, HttpService delegate) {
    return (ctx, req) -> {
      String presented = bearer(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      AdminTokens.Info info = tokens.authenticate(presented);
      HttpMethod m = req.method();
      if (m != HttpMethod.GET && m != HttpMethod.HEAD) {
        ctx.log().whenComplete().thenAccept(log -> audit.info(line(info, m.name(), req.path(),
            log.responseHeaders().status().code())));
      }
      if (info == null) {
        return Problems.response(Problem.unauthorized(presented == null
            ? "this request needs an admin token with scope " + needed.slug() + ": Authorization: Bearer <token>"
            : "the admin token is not valid (unknown or revoked)"));
      }
      if (!info.scope().includes(needed)) {
        return Problems.response(Problem.of(ProblemType.SCOPE_MISSING, "the admin token " + info.name() + " has scope "
            + info.scope().slug() + "; " + m + " " + req.path() + " needs scope " + needed.slug()));
      }
      return delegate.serve(ctx, req);
    };
  }

  /** The admin token's record when {@code authorization} carries a current one; null otherwise. */
  public AdminTokens.Info authenticate(String authorization) {
    return tokens.authenticate(bearer(authorization));
  }

  static String bearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
  }

  private static String line(AdminTokens.Info info, String method, String path, int status) {
    var n = ResourceCodec.json().createObjectNode().put("ts", Instant.now().toString());
    if (info == null) n.putNull("token").putNull("scope");
    else n.put("token", info.name()).put("scope", info.scope().slug());
    return n.put("method", method).put("path", path).put("status", status).toString();
  }
}
