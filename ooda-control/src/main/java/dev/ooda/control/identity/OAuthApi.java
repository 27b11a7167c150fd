package dev.ooda.control.identity;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.access.TokenClaims;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.ResourceCodec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The OAuth 2 endpoints of the control plane (see docs/api.md, "Identities"):
 * {@code POST /oauth/token} (client credentials), {@code GET /oauth/jwks} and
 * {@code /.well-known/jwks.json} (the published keys), {@code GET /oauth/revoked}.
 * Token errors follow RFC 6749 ({@code {"error","error_description"}}), not problem+json, since
 * OAuth clients expect that form.
 */
final class OAuthApi {
  private final CredentialStore credentials;
  private final SigningKeys keys;
  private final TokenIssuer issuer;

  OAuthApi(CredentialStore credentials, SigningKeys keys, TokenIssuer issuer) {
    this.credentials = credentials;
    this.keys = keys;
    this.issuer = issuer;
  }

  void mount(ServerBuilder sb) {
    sb.route().post("/oauth/token").build((ctx, req) -> token(ctx, req));
    sb.route().get("/oauth/jwks").build((ctx, req) -> jwks());
    sb.route().get("/.well-known/jwks.json").build((ctx, req) -> jwks());
    sb.route().get("/oauth/revoked").build((ctx, req) -> revoked());
  }

  private HttpResponse jwks() {
    ResponseHeaders h = ResponseHeaders.builder(HttpStatus.OK)
        .contentType(MediaType.parse("application/jwk-set+json"))
        .add(HttpHeaderNames.CACHE_CONTROL, "max-age=" + keys.options().jwksMaxAge().toSeconds())
        .build();
    return HttpResponse.of(h, HttpData.ofUtf8(keys.published().toString(true)));
  }

  private HttpResponse revoked() {
    Duration window = keys.options().lifetime().plus(TokenClaims.SKEW);
    var out = ResourceCodec.json().createObjectNode();
    var ids = out.putArray("credentials");
    credentials.revokedSince(Instant.now().minus(window)).forEach(ids::add);
    ResponseHeaders h = ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
        .add(HttpHeaderNames.CACHE_CONTROL, "max-age=" + keys.options().jwksMaxAge().toSeconds()).build();
    return HttpResponse.of(h, HttpData.wrap(ResourceCodec.toJsonBytes(out)));
  }

  private HttpResponse token(ServiceRequestContext ctx, HttpRequest req) {
    return HttpResponse.of(req.aggregate().thenApplyAsync(agg -> {
      MediaType type = agg.contentType();
      if (type == null || !type.is(MediaType.FORM_DATA)) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request", "the body must be application/x-www-form-urlencoded");
      }
      QueryParams form = QueryParams.fromQueryString(agg.contentUtf8());
      String grant = form.get("grant_type");
      if (grant == null) return error(HttpStatus.BAD_REQUEST, "invalid_request", "grant_type is missing");
      if (!grant.equals("client_credentials")) {
        return error(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "grant_type '" + grant + "' is not supported; use client_credentials");
      }
      String id = form.get("client_id");
      String secret = form.get("client_secret");
      String[] basic = basic(agg.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (basic != null) {
        if (id != null && !id.equals(basic[0])) return error(HttpStatus.BAD_REQUEST, "invalid_request", "client_id differs from the Basic credentials");
        id = basic[0];
        secret = basic[1];
      }
      if (id == null || secret == null) {
        return error(HttpStatus.UNAUTHORIZED, "invalid_client", "client_id and client_secret (or HTTP Basic) are required");
      }
      String audience = form.get("audience");
      if (audience == null || audience.isBlank()) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request", "audience is missing: the called service's name, or " + TokenClaims.CONTROL);
      }
      try {
        TokenIssuer.checkAudience(audience);
      } catch (InvalidResourceException e) {
        return error(HttpStatus.BAD_REQUEST, "invalid_target", "audience '" + audience + "' is neither a service name nor " + TokenClaims.CONTROL);
      }
      CredentialStore.Credential c = credentials.authenticate(id, secret);
      if (c == null) {
        CredentialStore.Credential known = credentials.find(id);
        String why = known == null ? "unknown client " + id
            : known.isRevoked() ? "credential " + id + " was revoked" : "wrong secret for client " + id;
        return error(HttpStatus.UNAUTHORIZED, "invalid_client", why);
      }
      TokenSource.Token t = issuer.issue(c.service(), audience, c.clientId());
      var out = ResourceCodec.json().createObjectNode()
          .put("access_token", t.value()).put("token_type", "Bearer")
          .put("expires_in", Duration.between(t.issuedAt(), t.expiresAt()).toSeconds());
      ResponseHeaders h = ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
          .add(HttpHeaderNames.CACHE_CONTROL, "no-store").build();
      return HttpResponse.of(h, HttpData.wrap(ResourceCodec.toJsonBytes(out)));
    }, ctx.blockingTaskExecutor()).exceptionally(e -> error(HttpStatus.BAD_REQUEST, "invalid_request",
        "the request could not be read: " + e.getMessage())));
  }

  /** {@code [id, secret]} of a Basic header (form-encoded, RFC 6749 2.3.1), or null. */
  private static String[] basic(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
    try {
      String s = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      if (colon < 0) return null;
      return new String[] {URLDecoder.decode(s.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(s.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static HttpResponse error(HttpStatus status, String error, String description) {
    com.linecorp.armeria.common.ResponseHeadersBuilder h = ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8)
        .add(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (status == HttpStatus.UNAUTHORIZED) h.add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"ooda\"");
    return HttpResponse.of(h.build(), HttpData.wrap(ResourceCodec.toJsonBytes(
        ResourceCodec.json().createObjectNode().put("error", error).put("error_description", description))));
  }

}
