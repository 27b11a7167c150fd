package dev.ooda.data.http;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Violation;
import java.util.List;

/** The problems this service answers with, each with a stable type. */
public final class Problems {
  private Problems() {}

  public static ProblemException invalid(String path, String message) {
    return new ProblemException(Problem.invalid(List.of(Violation.of(path, message))));
  }

  public static ProblemException invalid(String message) {
    return invalid("", message);
  }

  public static ProblemException notFound(String detail) {
    return Problem.notFound(detail).toException();
  }

  public static ProblemException conflict(String detail) {
    return Problem.conflict(detail).toException();
  }

  public static ProblemException tooLarge(String detail) {
    return Problem.tooLarge(detail).toException();
  }

  public static ProblemException preconditionFailed(String detail) {
    return Problem.of(ProblemType.PRECONDITION_FAILED, detail).toException();
  }

  public static ProblemException idempotencyMismatch(String detail) {
    return Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED, detail).toException();
  }

  /** The namespace's backend cannot serve this request with the API's guarantees (501). */
  public static ProblemException notSupported(String detail) {
    return Problem.of(ProblemType.NOT_SUPPORTED_BY_BACKEND, detail).toException();
  }

  public static ProblemException unavailable(String detail) {
    return Problem.of(ProblemType.UNAVAILABLE, detail).toException();
  }
}
