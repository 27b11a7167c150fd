package dev.ooda.data;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Violation;
import java.util.List;

/** The problems this service answers with, each with a stable type. */
final class Problems {
  private Problems() {}

  static ProblemException invalid(String path, String message) {
    return new ProblemException(Problem.invalid(List.of(Violation.of(path, message))));
  }

  static ProblemException invalid(String message) {
    return invalid("", message);
  }

  static ProblemException notFound(String detail) {
    return Problem.notFound(detail).toException();
  }

  static ProblemException conflict(String detail) {
    return Problem.conflict(detail).toException();
  }

  static ProblemException tooLarge(String detail) {
    return Problem.tooLarge(detail).toException();
  }

  static ProblemException preconditionFailed(String detail) {
    return Problem.of(412, "precondition-failed", "Precondition failed", detail).toException();
  }

  static ProblemException idempotencyMismatch(String detail) {
    return Problem.of(422, "idempotency-key-reused", "Idempotency key reused", detail).toException();
  }

  static ProblemException unavailable(String detail) {
    return Problem.of(503, "unavailable", "Unavailable", detail).toException();
  }

  static Problem internal(String detail) {
    return Problem.of(500, "internal", "Internal error", detail);
  }
}
