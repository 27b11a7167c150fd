package dev.ooda.kit;

import dev.ooda.model.Problem;

/**
 * The callee answered with an error: its {@code application/problem+json} document, or one made up
 * from the status when the answer was not a problem document.
 */
public final class RemoteProblemException extends CallException {
  private final Problem problem;

  public RemoteProblemException(String service, Problem problem) {
    super(service, service + " answered " + problem.status() + " " + problem.type() + ": " + problem.detail(), null);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  public int status() {
    return problem.status();
  }

  /** The problem's stable type, e.g. {@code urn:ooda:problem:not-found}. */
  public String type() {
    return problem.type();
  }

  public String detail() {
    return problem.detail();
  }
}
