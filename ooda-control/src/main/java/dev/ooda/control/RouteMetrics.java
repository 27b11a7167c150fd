package dev.ooda.control;

import com.linecorp.armeria.common.logging.RequestOnlyLog;
import com.linecorp.armeria.common.metric.MeterIdPrefix;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.core.instrument.MeterRegistry;

/** Names request meters by role, method and route pattern (never by raw path: that would not be bounded). */
public final class RouteMetrics implements MeterIdPrefixFunction {
  private final String name;

  private RouteMetrics(String name) {
    this.name = name;
  }

  /** Meters named {@code <role>.requests...} with tags {@code method} and {@code route}. */
  public static MeterIdPrefixFunction of(String role) {
    return new RouteMetrics(role);
  }

  @Override
  public MeterIdPrefix activeRequestPrefix(MeterRegistry registry, RequestOnlyLog log) {
    return prefix(log);
  }

  @Override
  public MeterIdPrefix completeRequestPrefix(MeterRegistry registry, com.linecorp.armeria.common.logging.RequestLog log) {
    return prefix(log);
  }

  private MeterIdPrefix prefix(RequestOnlyLog log) {
    String route = log.context() instanceof ServiceRequestContext ctx ? ctx.config().route().patternString() : "unknown";
    return new MeterIdPrefix(name, "method", log.requestHeaders().method().name(), "route", route);
  }
}
