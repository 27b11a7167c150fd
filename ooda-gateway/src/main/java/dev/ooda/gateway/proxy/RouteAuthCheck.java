package dev.ooda.gateway.proxy;

import dev.ooda.access.ExternalJwtVerifier;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;

/**
 * The end-user credentials a route requires ({@code auth}): an API key, in {@code x-api-key} or
 * {@code Authorization: Bearer}, or an external issuer's JWT in {@code Authorization: Bearer}.
 * Refusals are 401 problems that name the route and what was missing or wrong, never the key or
 * token sent. On success the subject (the key's name, the JWT's {@code sub}) is recorded for the
 * origin's {@code ooda-subject}.
 */
final class RouteAuthCheck implements InboundStage {
  static final AsciiString X_API_KEY = AsciiString.cached("x-api-key");
  private static final String BEARER = "bearer ";

  @Override
  public Problem apply(InboundRequest r) {
    CompiledRoute route = r.route;
    if (route.apiKeys != null) return apiKey(r, route);
    if (route.jwt != null) return jwt(r, route);
    return null;
  }

  private static Problem apiKey(InboundRequest r, CompiledRoute route) {
    String key = r.headers.get(X_API_KEY);
    if (key == null) {
      key = bearer(r);
      r.apiKeyInAuthorization = key != null;
    }
    if (key == null || key.isBlank()) {
      return refuse(r, "route '" + route.name + "' requires an API key in the x-api-key header or Authorization: Bearer; none was sent");
    }
    String name = route.apiKeys.match(key.trim());
    if (name == null) return refuse(r, "route '" + route.name + "' does not accept the API key that was sent");
    r.subject = name;
    return null;
  }

  private static Problem jwt(InboundRequest r, CompiledRoute route) {
    String token = bearer(r);
    if (token == null || token.isBlank()) {
      return refuse(r, "route '" + route.name + "' requires a JWT from " + route.spec.auth().jwt().issuer()
          + " in Authorization: Bearer; none was sent");
    }
    try {
      r.subject = route.jwt.subject(token);
      return null;
    } catch (InvalidTokenException e) {
      return refuse(r, "route '" + route.name + "' refused the bearer token (" + e.reason().slug() + "): " + e.getMessage());
    } catch (ExternalJwtVerifier.KeysUnavailableException e) {
      r.error = ProblemType.UNAVAILABLE.slug();
      return Problem.of(ProblemType.UNAVAILABLE, "route '" + route.name + "' cannot check bearer tokens now: " + e.getMessage());
    }
  }

  private static String bearer(InboundRequest r) {
    String h = r.headers.get(HttpHeaderNames.AUTHORIZATION);
    if (h == null || h.length() <= BEARER.length() || !h.regionMatches(true, 0, BEARER, 0, BEARER.length())) return null;
    return h.substring(BEARER.length()).trim();
  }

  private static Problem refuse(InboundRequest r, String detail) {
    r.error = ProblemType.UNAUTHORIZED.slug();
    return Problem.of(ProblemType.UNAUTHORIZED, detail);
  }
}
