package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A function: a {@code dev.ooda.function.Handler} class that the platform runs on demand, behind a
 * route ({@code to: [{function: resize}]}).
 *
 * <pre>
 * kind: Function
 * name: resize
 * spec:
 *   handler: com.example.Resize     # implements dev.ooda.function.Handler
 *   jar: /srv/resize.jar            # where the class is; absent: on the platform's own classpath
 *   concurrency: 4                  # invocations at once per instance; default 1
 *   idle: 30s                       # stopped after this long without requests; default 30s
 *   heapMb: 128
 *   env: {QUALITY: "80"}
 * </pre>
 *
 * Its instances register as a service named like the function, so a function and a service may
 * not share a name.
 *
 * @param status what its instances served, written by the supervisor
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record FunctionSpec(String handler, String jar, Integer concurrency, Duration idle, Integer heapMb,
                           Map<String, String> env, Status status) implements Spec {
  public static final Kind<FunctionSpec> KIND = Kind.of("Function", "functions", FunctionSpec.class, FunctionSpec::check);
  public static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
  public static final int MAX_CONCURRENCY = 1000;
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  public FunctionSpec {
    env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /**
   * Usage, as the talk's Lambda bills it: each invocation's duration rounded up to 100 ms.
   *
   * @param invocations    requests the handler answered
   * @param durationMillis their summed duration
   * @param billedMillis   their summed durations, each rounded up to 100 ms
   * @param at             when these totals were read (ISO-8601)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Status(Long invocations, Long durationMillis, Long billedMillis, String at) {}

  @JsonIgnore
  public int effectiveConcurrency() {
    return concurrency == null ? 1 : concurrency;
  }

  @JsonIgnore
  public Duration effectiveIdle() {
    return idle == null ? DEFAULT_IDLE : idle;
  }

  public FunctionSpec withStatus(Status s) {
    return new FunctionSpec(handler, jar, concurrency, idle, heapMb, env, s);
  }

  static void check(FunctionSpec s, Violations v) {
    v.check(s.handler() != null && CLASS_NAME.matcher(s.handler()).matches(), "handler",
        "is required: the class implementing dev.ooda.function.Handler, e.g. com.example.Resize");
    if (s.jar() != null) v.check(!s.jar().isBlank(), "jar", "is empty");
    if (s.concurrency() != null)
      v.check(s.concurrency() >= 1 && s.concurrency() <= MAX_CONCURRENCY, "concurrency", "must be between 1 and " + MAX_CONCURRENCY);
    if (s.idle() != null) v.check(s.idle().compareTo(Duration.ofSeconds(1)) >= 0, "idle", "must be at least 1s");
    if (s.heapMb() != null) v.check(s.heapMb() >= 16 && s.heapMb() <= 65_536, "heapMb", "must be between 16 and 65536");
    s.env().forEach((k, val) -> {
      if (k.startsWith("OODA_")) v.add("env." + k, "is set by the supervisor (names starting OODA_ are the platform's)");
      else if (val == null) v.add("env." + k, "has no value");
    });
  }
}
