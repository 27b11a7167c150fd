package dev.ooda.control.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.ooda.model.Instance;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import dev.ooda.model.Violations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an instance tells the registry about itself: the body of a registration and of a heartbeat
 * that may have to register again. Everything but {@code host} and {@code port} is optional.
 *
 * @param version    the version it runs, e.g. {@code v2} or {@code 1.4.0}
 * @param host       IPv4 or IPv6 literal, or a DNS name
 * @param port       1 to 65535
 * @param zone       where it runs, for zone-aware balancing
 * @param metadata   free-form labels
 * @param healthPath path of its HTTP health check; without one the Service's {@code health.path} applies
 * @param status     status when it is registered (default UP); a renewal never changes the status
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record InstanceRegistration(String version, String host, Integer port, String zone, Map<String, String> metadata,
                           String healthPath, Instance.Status status) {
  static final int MAX_METADATA = 32;
  static final int MAX_VALUE = 512;
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
  private static final Pattern HOSTNAME = Pattern.compile(
      "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

  public InstanceRegistration {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A registration of {@code host:port}, UP, with nothing else. */
  public static InstanceRegistration of(String host, int port) {
    return new InstanceRegistration(null, host, port, null, null, null, null);
  }

  public InstanceRegistration withStatus(Instance.Status s) {
    return new InstanceRegistration(version, host, port, zone, metadata, healthPath, s);
  }

  /** Decodes and checks a request body; refuses it whole, naming each field that is wrong. */
  public static InstanceRegistration parse(byte[] body) {
    if (body.length == 0) {
      throw new InvalidResourceException(List.of(Violation.of("", "the body is empty; send the registration as JSON: "
          + "{\"host\": \"10.0.0.5\", \"port\": 8080, \"version\": \"v1\"}")));
    }
    InstanceRegistration r;
    try {
      JsonNode tree = ResourceCodec.json().readTree(body);
      if (tree == null || !tree.isObject()) throw new InvalidResourceException(List.of(Violation.of("", "must be a JSON object")));
      // Jackson would turn numbers into strings; labels are strings.
      for (Map.Entry<String, JsonNode> e : iterable(tree.path("metadata").fields())) {
        if (!e.getValue().isTextual()) {
          throw new InvalidResourceException(List.of(Violation.of("metadata." + e.getKey(), "must be a string")));
        }
      }
      r = ResourceCodec.json().treeToValue(tree, InstanceRegistration.class);
    } catch (MismatchedInputException e) {
      throw new InvalidResourceException(List.of(Violation.of(ResourceCodec.fieldPath(e), messageOf(e))));
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      int cut = msg.indexOf('\n');
      throw new InvalidResourceException(List.of(Violation.of("", "invalid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (r == null) throw new InvalidResourceException(List.of(Violation.of("", "must be a JSON object")));
    r.check();
    return r;
  }

  /** @throws InvalidResourceException naming every field that breaks a rule */
  public void check() {
    Violations v = new Violations();
    String badHost = hostProblem(host);
    if (badHost != null) v.add("host", badHost);
    if (port == null) v.add("port", "is required");
    else v.check(port >= 1 && port <= 65535, "port", port + " is not a port (1-65535)");
    if (version != null) v.check(LABEL.matcher(version).matches(), "version",
        "'" + version + "' must be 1 to 63 letters, digits, '.', '_' or '-'");
    if (zone != null) v.check(LABEL.matcher(zone).matches(), "zone",
        "'" + zone + "' must be 1 to 63 letters, digits, '.', '_' or '-'");
    if (healthPath != null) {
      v.check(healthPath.startsWith("/") && healthPath.length() <= 1024 && healthPath.chars().allMatch(c -> c > 32 && c < 127),
          "healthPath", "must start with '/' and be at most 1024 printable characters without spaces");
    }
    v.check(metadata.size() <= MAX_METADATA, "metadata", "has " + metadata.size() + " entries, at most " + MAX_METADATA + " allowed");
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      v.check(KEY.matcher(e.getKey()).matches(), "metadata." + e.getKey(),
          "keys must be 1 to 63 letters, digits, '.', '_', '/' or '-'");
      v.check(e.getValue() != null && e.getValue().length() <= MAX_VALUE, "metadata." + e.getKey(),
          "must be a string of at most " + MAX_VALUE + " characters");
    }
    if (!v.isEmpty()) throw new InvalidResourceException(v.list());
  }

  /** Why {@code host} is not an address, or null. Parses literals only; never looks a name up. */
  public static String hostProblem(String host) {
    if (host == null || host.isBlank()) return "is required";
    if (host.indexOf(':') >= 0) {
      String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      try {
        // With a ':' in it, the JDK parses an IPv6 literal and never asks a resolver.
        if (literal.indexOf(':') >= 0 && literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')
            && InetAddress.getByName(literal) != null) {
          return null;
        }
      } catch (UnknownHostException e) {
        // falls through
      }
      return "'" + host + "' is not an IPv4 or IPv6 address or a host name";
    }
    if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      String[] parts = host.split("\\.", -1);
      boolean ok = parts.length == 4;
      for (String p : parts) ok &= !p.isEmpty() && p.length() <= 3 && Integer.parseInt(p) <= 255;
      return ok ? null : "'" + host + "' is not an IPv4 address";
    }
    return HOSTNAME.matcher(host).matches() ? null : "'" + host + "' is not an IPv4 or IPv6 address or a host name";
  }

  /** The instance this registration describes. */
  public Instance toInstance(String id, String service, Instance.Status s, long registeredAtMillis) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return new Instance(id, service, version, h, port, zone, s, metadata, healthPath, registeredAtMillis, false);
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }

  private static String messageOf(MismatchedInputException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown field (known: healthPath, host, metadata, port, status, version, zone)";
    }
    Class<?> t = e.getTargetType();
    if (t == Integer.class || t == int.class) return "must be a whole number";
    if (t == String.class) return "must be a string";
    if (t == Instance.Status.class) return "must be one of STARTING, UP, DRAINING, DOWN";
    if (t != null && Map.class.isAssignableFrom(t)) return "must be a mapping of strings";
    if (t == InstanceRegistration.class) return "must be a JSON object";
    String msg = e.getOriginalMessage();
    int cut = msg.indexOf('\n');
    return cut > 0 ? msg.substring(0, cut) : msg;
  }
}
