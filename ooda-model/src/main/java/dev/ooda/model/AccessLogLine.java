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
    return appendJson(new StringBuilder(224 + length(service) + length(instance) + length(traceId) + length(spanId)
        + length(caller) + length(method) + length(route) + length(error))).toString();
  }

  /** Appends the line as one JSON object, without a newline. */
  public StringBuilder appendJson(StringBuilder b) {
    b.append('{');
    timestamp(b.append("\"ts\":\""), tsMillis).append("\",");
    field(b, "service", service).append(',');
    field(b, "instance", instance).append(',');
    field(b, "trace_id", traceId).append(',');
    field(b, "span_id", spanId).append(',');
    field(b, "caller", caller).append(',');
    field(b, "method", method).append(',');
    field(b, "route", route).append(',');
    b.append("\"status\":").append(status).append(',');
    millis(b.append("\"duration_ms\":"), Math.round(durationMs * 1000)).append(',');
    b.append("\"bytes_in\":").append(bytesIn).append(',');
    b.append("\"bytes_out\":").append(bytesOut).append(',');
    field(b, "error", error);
    return b.append('}');
  }

  /** One second's {@code yyyy-MM-ddTHH:mm:ss}: lines come in time order, so it is made once a second. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  /** {@code Instant.toString()} of a millisecond instant, without formatting the date on every line. */
  static StringBuilder timestamp(StringBuilder b, long millis) {
    long epochSecond = Math.floorDiv(millis, 1000);
    Second s = lastSecond;
    if (s.epochSecond != epochSecond) {
      String iso = java.time.Instant.ofEpochSecond(epochSecond).toString();
      s = new Second(epochSecond, iso.substring(0, iso.length() - 1));
      lastSecond = s;
    }
    b.append(s.text);
    int ms = (int) Math.floorMod(millis, 1000);
    if (ms != 0) b.append('.').append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
    return b.append('Z');
  }

  private static int length(String s) {
    return s == null ? 4 : s.length() + 2;
  }

  /** A count of microseconds as milliseconds, {@code 1.5} or {@code 12.0}, without a double's formatting. */
  static StringBuilder millis(StringBuilder b, long micros) {
    if (micros < 0) {
      b.append('-');
      micros = -micros;
    }
    b.append(micros / 1000).append('.');
    int frac = (int) (micros % 1000);
    if (frac == 0) return b.append('0');
    b.append((char) ('0' + frac / 100));
    if (frac % 100 != 0) b.append((char) ('0' + frac / 10 % 10));
    if (frac % 10 != 0) b.append((char) ('0' + frac % 10));
    return b;
  }

  private static StringBuilder field(StringBuilder b, String key, String value) {
    b.append('"').append(key).append("\":");
    if (value == null) return b.append("null");
    b.append('"');
    int plain = 0; // the leading characters that need no escape go in one copy
    while (plain < value.length() && value.charAt(plain) >= 0x20 && value.charAt(plain) != '"' && value.charAt(plain) != '\\') {
      plain++;
    }
    b.append(value, 0, plain);
    for (int i = plain; i < value.length(); i++) {
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
