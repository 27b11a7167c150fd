package dev.ooda.model;

/**
 * Every problem type an ooda API answers: its {@code type} URI (stable; clients match on it), its
 * title and its HTTP status. {@code docs/problems.md} says when each one happens. A status with no
 * type of its own answers {@code urn:ooda:problem:http-<status>} (see {@link Problem#ofStatus}).
 */
public enum ProblemType {
  // Any role
  BAD_REQUEST(400, "bad-request", "Bad request"),
  INVALID(400, "invalid", "Invalid input"),
  UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
  FORBIDDEN(403, "forbidden", "Forbidden"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  CONFLICT(409, "conflict", "Conflict"),
  TOO_LARGE(413, "too-large", "Content too large"),
  URI_TOO_LONG(414, "uri-too-long", "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  HEADERS_TOO_LARGE(431, "headers-too-large", "Request headers too large"),
  CLOSED(499, "closed", "Closed"),
  INTERNAL(500, "internal", "Internal error"),
  UNAVAILABLE(503, "unavailable", "Service unavailable"),
  SHUTTING_DOWN(503, "shutting-down", "Shutting down"),
  DEADLINE_EXCEEDED(504, "deadline-exceeded", "Deadline exceeded"),

  // Access between services (any role that receives calls)
  TOKEN_MISSING(401, "token-missing", "Service token missing"),
  TOKEN_INVALID(401, "token-invalid", "Service token invalid"),
  NOT_IN_GROUP(403, "not-in-group", "Caller not in the service's group"),
  NOT_GRANTED(403, "not-granted", "Namespace not granted"),
  SCOPE_MISSING(403, "scope-missing", "Token scope too small"),
  IDENTITY_REQUIRED(403, "identity-required", "Identity required"),

  // Control plane
  FIXED_ENDPOINT(400, "fixed-endpoint", "Fixed endpoint"),
  NOT_REGISTERED(404, "not-registered", "Instance not registered"),
  WRONG_SERVICE(409, "wrong-service", "Instance of another service"),
  GONE(410, "gone", "Revision no longer kept"),
  STORE_UNAVAILABLE(503, "store-unavailable", "Store unavailable"),
  REGISTRY_UNAVAILABLE(503, "registry-unavailable", "Registry unavailable"),
  UNREACHABLE(503, "unreachable", "Control plane unreachable"),
  INTERRUPTED(503, "interrupted", "Interrupted"),
  CONTRACT_BREAKING(409, "contract-breaking", "Breaking API change"),

  // Gateway
  NO_ROUTE(404, "no-route", "No route"),
  NO_SUCH_VERSION(404, "no-such-version", "No such version"),
  BAD_GATEWAY(502, "bad-gateway", "Bad gateway"),
  NO_INSTANCES(503, "no-instances", "No instances"),
  OVERLOADED(503, "overloaded", "Overloaded"),
  GATEWAY_TIMEOUT(504, "gateway-timeout", "Gateway timeout"),

  // Trace collector
  UNSUPPORTED_ENCODING(415, "unsupported-encoding", "Unsupported content encoding"),

  // Data service
  PRECONDITION_FAILED(412, "precondition-failed", "Precondition failed"),
  IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "Idempotency key reused"),
  FILTER_NOT_SERVABLE(400, "filter-not-servable", "Filter the backend cannot serve by its key"),
  NOT_SUPPORTED_BY_BACKEND(501, "not-supported-by-backend", "Not supported by the namespace's backend"),

  // Kit: calls to other services
  DEPENDENCY_FAILED(502, "dependency-failed", "Dependency failed"),
  UNREADABLE_ANSWER(502, "unreadable-answer", "Unreadable answer"),
  DEPENDENCY_UNAVAILABLE(503, "dependency-unavailable", "Dependency unavailable");

  /** What every type URI starts with; the rest is the slug. */
  public static final String PREFIX = "urn:ooda:problem:";

  private final int status;
  private final String slug;
  private final String title;
  private final String type;

  ProblemType(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.type = PREFIX + slug;
  }

  public int status() {
    return status;
  }

  /** The short name after the prefix, e.g. {@code no-route}; access logs and metrics carry it. */
  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  /** The stable URI, e.g. {@code urn:ooda:problem:no-route}. */
  public String type() {
    return type;
  }

  /**
   * The type a bare HTTP status stands for, when a framework answers one (no such path, method not
   * allowed, body too large...), or null when the status has none.
   */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 409 -> CONFLICT;
      case 412 -> PRECONDITION_FAILED;
      case 413 -> TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 431 -> HEADERS_TOO_LARGE;
      case 500 -> INTERNAL;
      case 503 -> UNAVAILABLE;
      default -> null;
    };
  }
}
