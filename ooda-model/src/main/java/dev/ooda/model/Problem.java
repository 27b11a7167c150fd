package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An error answer on every ooda HTTP API: {@code application/problem+json} (RFC 9457).
 * {@code type} is stable and can be matched by clients (the catalogue is {@link ProblemType});
 * {@code detail} is for humans.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<Violation> errors) {
  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(ProblemType type, String detail) {
    return new Problem(type.type(), type.title(), type.status(), detail, List.of());
  }

  /**
   * A bare HTTP status as a problem: its catalogue type when it has one, else
   * {@code urn:ooda:problem:http-<status>} titled {@code reason}.
   */
  public static Problem ofStatus(int status, String reason, String detail) {
    ProblemType type = ProblemType.forStatus(status);
    return type != null ? of(type, detail) : httpStatus(status, reason, detail);
  }

  /**
   * {@code urn:ooda:problem:http-<status>}: what a client makes of an error answer that was not a
   * problem document, so that every failed call carries a problem.
   */
  public static Problem httpStatus(int status, String title, String detail) {
    return new Problem(ProblemType.PREFIX + "http-" + status, title, status, detail, List.of());
  }

  /**
   * The problem a failure answers: the {@link ProblemException}'s own anywhere in the cause chain;
   * {@code invalid} for an {@link IllegalArgumentException}, since the input was refused; otherwise
   * {@code internal}, whose detail names the exception's class but not its message, which may tell
   * of the server's inside (the adapter logs it).
   */
  public static Problem from(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof ProblemException p) return p.problem();
    }
    Throwable cause = unwrap(failure);
    if (cause instanceof IllegalArgumentException) {
      return of(ProblemType.INVALID, cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }
    return of(ProblemType.INTERNAL, "an unexpected " + cause.getClass().getSimpleName() + " occurred; see the server log");
  }

  /** The failure inside the wrappers that futures put around it. */
  public static Throwable unwrap(Throwable failure) {
    Throwable c = failure;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  public static Problem invalid(List<Violation> errors) {
    String detail = errors.size() == 1 ? errors.get(0).toString()
        : errors.size() + " problems: " + String.join("; ", errors.stream().map(Violation::toString).toList());
    ProblemType t = ProblemType.INVALID;
    return new Problem(t.type(), t.title(), t.status(), detail, List.copyOf(errors));
  }

  public static Problem notFound(String detail) {
    return of(ProblemType.NOT_FOUND, detail);
  }

  public static Problem conflict(String detail) {
    return of(ProblemType.CONFLICT, detail);
  }

  public static Problem unauthorized(String detail) {
    return of(ProblemType.UNAUTHORIZED, detail);
  }

  public static Problem tooLarge(String detail) {
    return of(ProblemType.TOO_LARGE, detail);
  }

  /** Whether this problem is of {@code t}. */
  public boolean is(ProblemType t) {
    return t.type().equals(type);
  }

  /** The slug after the stable prefix, e.g. {@code conflict}. */
  public String slug() {
    return type != null && type.startsWith(ProblemType.PREFIX) ? type.substring(ProblemType.PREFIX.length()) : type;
  }

  public ProblemException toException() {
    return new ProblemException(this);
  }
}
