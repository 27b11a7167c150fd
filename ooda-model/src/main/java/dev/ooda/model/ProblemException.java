package dev.ooda.model;

/** Carries a {@link Problem} out of the code that found it to the edge that answers it. */
public class ProblemException extends RuntimeException {
  private final Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
