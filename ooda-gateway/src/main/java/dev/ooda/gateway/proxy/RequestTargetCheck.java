package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import java.net.URI;

/** Takes the request target to origin form and refuses targets that cannot be proxied safely. */
final class RequestTargetCheck implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    String uri = r.uri();
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      try {
        URI u = new URI(uri);
        r.originForm((u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
            + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
      } catch (Exception e) {
        return Problems.badRequest("the request target is not a valid URI");
      }
    }
    String bad = Headers.badTarget(r.uri());
    return bad == null ? null : Problems.badRequest(bad);
  }
}
