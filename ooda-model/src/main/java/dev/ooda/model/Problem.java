package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An error answer on every ooda HTTP API: {@code application/problem+json} (RFC 9457).
 * {@code type} is stable and can be matched by clients; {@code detail} is for humans.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<Violation> errors) {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String PREFIX = "urn:ooda:problem:";

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(PREFIX + slug, title, status, detail, List.of());
  }

  public static Problem invalid(List<Violation> errors) {
    String detail = errors.size() == 1 ? errors.get(0).toString()
        : errors.size() + " problems: " + String.join("; ", errors.stream().map(Violation::toString).toList());
    return new Problem(PREFIX + "invalid", "Invalid input", 400, detail, List.copyOf(errors));
  }

  public static Problem notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  public static Problem conflict(String detail) {
    return of(409, "conflict", "Conflict", detail);
  }

  public static Problem unauthorized(String detail) {
    return of(401, "unauthorized", "Unauthorized", detail);
  }

  public static Problem tooLarge(String detail) {
    return of(413, "too-large", "Content too large", detail);
  }

  /** The slug after the stable prefix, e.g. {@code conflict}. */
  public String slug() {
    return type != null && type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : type;
  }

  public ProblemException toException() {
    return new ProblemException(this);
  }
}
