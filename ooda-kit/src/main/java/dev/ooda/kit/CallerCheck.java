package dev.ooda.kit;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import java.util.Set;

/**
 * Decides whether a caller may call this service, once per request and before any handler runs,
 * so that no handler checks callers itself. The caller's service name is the {@code ooda-caller}
 * header (null when absent); credentials, when they come, are in the request's headers too.
 */
@FunctionalInterface
public interface CallerCheck {
  /** Lets every caller in. */
  CallerCheck ALLOW_ALL = (caller, ctx) -> null;

  /** Null to let the request through, or the problem to refuse it with (usually a 403). */
  Problem check(String caller, ServiceRequestContext ctx);

  /** Only the named services may call. */
  static CallerCheck only(Set<String> callers) {
    Set<String> allowed = Set.copyOf(callers);
    return (caller, ctx) -> caller != null && allowed.contains(caller) ? null
        : Problem.of(ProblemType.FORBIDDEN,
            (caller == null ? "a caller without the ooda-caller header" : "service " + caller) + " may not call this service");
  }
}
