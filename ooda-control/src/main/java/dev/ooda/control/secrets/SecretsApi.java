package dev.ooda.control.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.control.Problems;
import dev.ooda.model.Headers;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SecretSpec;
import java.util.concurrent.TimeUnit;
import dev.ooda.control.identity.AdminGuard;
import dev.ooda.control.identity.AdminScope;

/**
 * The secrets' HTTP endpoints on the admin API (see docs/api.md). Metadata is listed by the
 * generic {@code GET /api/v1/secrets}; these endpoints carry values, in and out.
 *
 * <ul>
 *   <li>{@code PUT /api/v1/secrets/{name}/value?owner=S[&description=D]}: admin token; the body
 *       is the value; answers the new version.
 *   <li>{@code GET /api/v1/secrets/{name}/value}: the owner's service token only; answers the
 *       value's bytes. Admins cannot read values back: they can only overwrite them.
 *   <li>{@code POST /api/v1/master-key/rotate[?keepOld=true]}: admin token.
 * </ul>
 */
public final class SecretsApi {
  /** The version of the value a read answered. */
  public static final String VERSION_HEADER = "ooda-secret-version";

  private final SecretStore secrets;
  private final AdminGuard admins;
  private final ServiceIdentities identities;

  /**
   * @param admins     admits writes (admin scope) and recognises admin tokens presented for reads
   * @param identities who a service token belongs to
   */
  public SecretsApi(SecretStore secrets, AdminGuard admins, ServiceIdentities identities) {
    this.secrets = secrets;
    this.admins = admins;
    this.identities = identities == null ? ServiceIdentities.NONE : identities;
  }

  public void mount(ServerBuilder sb) {
    sb.route().put("/api/v1/secrets/{name}/value").build(admins.require(AdminScope.ADMIN,
        (ctx, req) -> Problems.blocking(ctx, () -> set(ctx, req))));
    sb.route().get("/api/v1/secrets/{name}/value").build((ctx, req) -> Problems.blocking(ctx, () -> read(ctx, req)));
    sb.route().post("/api/v1/master-key/rotate").build(admins.require(AdminScope.ADMIN,
        (ctx, req) -> Problems.blocking(ctx, () -> rotate(ctx, req))));
  }

  private HttpResponse set(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    String name = ctx.pathParam("name");
    byte[] value = req.aggregate().get(30, TimeUnit.SECONDS).content().array();
    Resource r = secrets.set(name, ctx.queryParam("owner"), ctx.queryParam("description"), value);
    SecretSpec s = r.spec(SecretSpec.class);
    ObjectNode out = ResourceCodec.json().createObjectNode()
        .put("name", r.name()).put("owner", s.owner()).put("version", s.current()).put("changed", s.changed());
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, ResourceCodec.toJsonBytes(out));
  }

  private HttpResponse read(ServiceRequestContext ctx, HttpRequest req) {
    String name = ctx.pathParam("name");
    String token = serviceToken(req);
    if (token == null) {
      throw new ProblemException(Problem.of(ProblemType.TOKEN_MISSING, "reading secret " + name
          + " needs its owner's service token (header " + Headers.TOKEN + " or Authorization: Bearer)"));
    }
    // Look the secret up first, so that the refusal can name its owner.
    String owner = secrets.metadata(name).map(r -> r.spec(SecretSpec.class).owner())
        .orElseThrow(() -> new ProblemException(Problem.notFound("secret " + name + " does not exist")));
    if (admins.authenticate("Bearer " + token) != null) {
      throw new ProblemException(Problem.of(ProblemType.FORBIDDEN, "an admin token cannot read secret " + name
          + " back (admins can only overwrite it); only its owner, service " + owner + ", can read it"));
    }
    String caller = identities.serviceOf(token);
    if (caller == null) {
      throw new ProblemException(Problem.of(ProblemType.TOKEN_INVALID, "the token presented for secret " + name
          + " is not a valid service token for the control plane (aud urn:ooda:control)"));
    }
    if (!caller.equals(owner)) {
      throw new ProblemException(Problem.of(ProblemType.FORBIDDEN, "service " + caller + " cannot read secret " + name
          + ": only its owner, service " + owner + ", can"));
    }
    SecretStore.Value v = secrets.current(name);
    ResponseHeaders h = ResponseHeaders.builder(HttpStatus.OK)
        .contentType(MediaType.OCTET_STREAM)
        .set(VERSION_HEADER, Integer.toString(v.version()))
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .build();
    return HttpResponse.of(h, com.linecorp.armeria.common.HttpData.wrap(v.value()));
  }

  private HttpResponse rotate(ServiceRequestContext ctx, HttpRequest req) {
    String keepOld = ctx.queryParam("keepOld");
    if (keepOld != null && !keepOld.equals("true") && !keepOld.equals("false")) {
      throw new IllegalArgumentException("query parameter keepOld: '" + keepOld + "' is neither true nor false");
    }
    SecretStore.Rotation r = secrets.rotateMasterKey(Boolean.parseBoolean(keepOld));
    ObjectNode out = ResourceCodec.json().createObjectNode().put("primary", r.primary()).put("rewrapped", r.rewrapped());
    r.disabled().forEach(out.putArray("disabled")::add);
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, ResourceCodec.toJsonBytes(out));
  }

  /** The service token: {@code ooda-token}, else a Bearer credential. */
  private static String serviceToken(HttpRequest req) {
    String t = req.headers().get(Headers.TOKEN);
    return t != null && !t.isBlank() ? t.trim() : bearer(req);
  }

  private static String bearer(HttpRequest req) {
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
  }


}
