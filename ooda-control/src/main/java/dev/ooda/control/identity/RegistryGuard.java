package dev.ooda.control.identity;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.ServiceToken;
import dev.ooda.access.TokenVerifier;
import dev.ooda.model.Headers;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;

/**
 * Who may register, renew, change or deregister an instance of a service: anyone while the service
 * has no credential (dev mode); once it has one, a holder of its token (audience
 * {@code urn:ooda:control}, in {@code ooda-token} or {@code Authorization: Bearer}) or of an
 * admin-scope admin token. Everyone else gets 403 {@code identity-required}. All from memory.
 */
public final class RegistryGuard {
  private final CredentialStore credentials;
  private final AdminTokens adminTokens;
  private final TokenVerifier verifier;

  public RegistryGuard(CredentialStore credentials, AdminTokens adminTokens, TokenVerifier verifier) {
    this.credentials = credentials;
    this.adminTokens = adminTokens;
    this.verifier = verifier;
  }

  /** Returns when the request may change instances of {@code service}; throws {@code identity-required} otherwise. */
  public void check(String service, RequestHeaders headers) {
    if (!credentials.isSecured(service)) return;
    String token = headers.get(Headers.TOKEN);
    String bearer = AdminGuard.bearer(headers.get(HttpHeaderNames.AUTHORIZATION));
    if (token == null && bearer != null) {
      AdminTokens.Info admin = adminTokens.authenticate(bearer);
      if (admin != null) {
        if (admin.scope() == AdminScope.ADMIN) return;
        throw refused(service, "the admin token " + admin.name() + " has scope " + admin.scope().slug() + ", not admin");
      }
      token = bearer;
    }
    if (token == null) {
      throw refused(service, "no token was presented (header " + Headers.TOKEN + ")");
    }
    ServiceToken t;
    try {
      t = verifier.verify(token);
    } catch (InvalidTokenException e) {
      throw refused(service, "the token was refused (" + e.reason().slug() + "): " + e.getMessage());
    }
    if (!service.equals(t.service())) throw refused(service, "the token is of service " + t.service());
  }

  private static ProblemException refused(String service, String why) {
    return new ProblemException(Problem.of(ProblemType.IDENTITY_REQUIRED, "service " + service
        + " has credentials, so its instances are registered only with a token of " + service
        + " (or an admin token with scope admin): " + why));
  }
}
