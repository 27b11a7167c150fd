package dev.ooda.control.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.control.Problems;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.io.IOException;
import java.util.List;

/**
 * The admin API of credentials and admin tokens (see docs/api.md): creating and revoking need an
 * admin-scope token, listing needs read. Secrets and tokens appear only in the answer that creates them.
 */
final class IdentityApi {
  private final CredentialStore credentials;
  private final AdminTokens tokens;
  private final AdminGuard guard;

  IdentityApi(CredentialStore credentials, AdminTokens tokens, AdminGuard guard) {
    this.credentials = credentials;
    this.tokens = tokens;
    this.guard = guard;
  }

  void mount(ServerBuilder sb) {
    sb.route().post("/api/v1/credentials").build(guard.require(AdminScope.ADMIN, (ctx, req) -> withJson(ctx, req, body -> {
      CredentialStore.Created c = credentials.create(text(body, "service"));
      ObjectNode out = credential(c.credential());
      out.put("client_secret", c.secret());
      return json(HttpStatus.CREATED, out);
    })));
    sb.route().get("/api/v1/credentials").build(guard.require(AdminScope.READ, (ctx, req) -> {
      ObjectNode out = ResourceCodec.json().createObjectNode();
      var items = out.putArray("items");
      credentials.list(ctx.queryParam("service")).forEach(c -> items.add(credential(c)));
      return json(HttpStatus.OK, out);
    }));
    sb.route().delete("/api/v1/credentials/{id}").build(guard.require(AdminScope.ADMIN, (ctx, req) ->
        Problems.blocking(ctx, () -> json(HttpStatus.OK, credential(credentials.revoke(ctx.pathParam("id")))))));

    sb.route().post("/api/v1/admin-tokens").build(guard.require(AdminScope.ADMIN, (ctx, req) -> withJson(ctx, req, body -> {
      String scope = text(body, "scope");
      AdminScope s = AdminScope.parse(scope);
      if (s == null) throw new InvalidResourceException(List.of(Violation.of("scope", "'" + scope + "' must be one of read, write, admin")));
      AdminTokens.Created c = tokens.create(text(body, "name"), s);
      ObjectNode out = token(c.info());
      out.put("token", c.token());
      return json(HttpStatus.CREATED, out);
    })));
    sb.route().get("/api/v1/admin-tokens").build(guard.require(AdminScope.READ, (ctx, req) -> {
      ObjectNode out = ResourceCodec.json().createObjectNode();
      var items = out.putArray("items");
      tokens.list().forEach(i -> items.add(token(i)));
      return json(HttpStatus.OK, out);
    }));
    sb.route().delete("/api/v1/admin-tokens/{name}").build(guard.require(AdminScope.ADMIN, (ctx, req) ->
        Problems.blocking(ctx, () -> json(HttpStatus.OK, token(tokens.revoke(ctx.pathParam("name")))))));
  }

  private static ObjectNode credential(CredentialStore.Credential c) {
    ObjectNode n = ResourceCodec.json().createObjectNode()
        .put("client_id", c.clientId()).put("service", c.service()).put("created", c.created().toString());
    if (c.revoked() != null) n.put("revoked", c.revoked().toString());
    return n;
  }

  private static ObjectNode token(AdminTokens.Info i) {
    return ResourceCodec.json().createObjectNode()
        .put("name", i.name()).put("scope", i.scope().slug()).put("created", i.created().toString());
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InvalidResourceException(List.of(Violation.of(field, "is required (a string)")));
    }
    return v.asText();
  }


  interface JsonCall {
    HttpResponse call(JsonNode body) throws Exception;
  }


  private static HttpResponse withJson(ServiceRequestContext ctx, HttpRequest req, JsonCall call) {
    return HttpResponse.of(req.aggregate().thenApplyAsync(agg -> {
      try {
        JsonNode body;
        try {
          body = ResourceCodec.json().readTree(agg.contentUtf8());
        } catch (IOException e) {
          throw new InvalidResourceException(List.of(Violation.of("", "invalid JSON: " + e.getMessage().lines().findFirst().orElse(""))));
        }
        if (body == null || !body.isObject()) throw new InvalidResourceException(List.of(Violation.of("", "the body must be a JSON object")));
        return call.call(body);
      } catch (Exception e) {
        return Problems.response(Problems.toProblem(e));
      }
    }, ctx.blockingTaskExecutor()));
  }

  private static HttpResponse json(HttpStatus status, Object body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, HttpData.wrap(ResourceCodec.toJsonBytes(body)));
  }
}
