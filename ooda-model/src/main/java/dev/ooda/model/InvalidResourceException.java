package dev.ooda.model;

import java.util.List;

/** Input refused whole: every violation found, each naming its document and field path. */
public final class InvalidResourceException extends ProblemException {
  private final List<Violation> violations;

  public InvalidResourceException(List<Violation> violations) {
    super(Problem.invalid(violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
