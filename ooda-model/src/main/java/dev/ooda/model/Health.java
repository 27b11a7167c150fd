package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@code GET /health} on every ooda role and every service built on the kit:
 * {@code {"status":"UP"}} with 200 while it takes traffic, {@code {"status":"DRAINING"}} with 503
 * once it is stopping, so that a balancer sends its traffic elsewhere. The statuses are those of
 * the registry's {@link Instance.Status}. A role may add its own figures under {@code details}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Health(Instance.Status status, Map<String, Object> details) {
  public static final String PATH = "/health";
  public static final Health UP = new Health(Instance.Status.UP, Map.of());
  public static final Health DRAINING = new Health(Instance.Status.DRAINING, Map.of());

  public Health {
    details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** This status with a role's own figures. */
  public Health with(Map<String, Object> details) {
    return new Health(status, details);
  }

  /** 200 when UP, else 503. */
  public int httpStatus() {
    return status == Instance.Status.UP ? 200 : 503;
  }
}
