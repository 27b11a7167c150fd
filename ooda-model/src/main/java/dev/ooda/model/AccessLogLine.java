package dev.ooda.model;

/**
 * The one access-log line of the gateway, the kit and the data service: JSON with fixed keys.
 * Written by hand rather than through Jackson because the gateway writes one per request.
 */
public record AccessLogLine(
    long tsMillis, String service, String instance, String traceId, String spanId, String caller,
    String method, String route, int status, double durationMs, long bytesIn, long bytesOut, String error) {

  public String toJson() {
    // Sized for the fixed part and the values, so that the builder never grows (a copy per line).
    StringBuilder b = new StringBuilder(224 + length(service) + length(instance) + length(traceId) + length(spanId)
        + length(caller) + length(method) + length(route) + length(error)).append('{');
    field(b, "ts", java.time.Instant.ofEpochMilli(tsMillis).toString()).append(',');
    field(b, "service", service).append(',');
    field(b, "instance", instance).append(',');
    field(b, "trace_id", traceId).append(',');
    field(b, "span_id", spanId).append(',');
    field(b, "caller", caller).append(',');
    field(b, "method", method).append(',');
    field(b, "route", route).append(',');
    b.append("\"status\":").append(status).append(',');
    b.append("\"duration_ms\":").append(Math.round(durationMs * 1000) / 1000.0).append(',');
    b.append("\"bytes_in\":").append(bytesIn).append(',');
    b.append("\"bytes_out\":").append(bytesOut).append(',');
    field(b, "error", error);
    return b.append('}').toString();
  }

  private static int length(String s) {
    return s == null ? 4 : s.length() + 2;
  }

  private static StringBuilder field(StringBuilder b, String key, String value) {
    b.append('"').append(key).append("\":");
    if (value == null) return b.append("null");
    b.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"');
  }
}
