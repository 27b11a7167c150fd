package dev.ooda.control;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ProblemException;

/** A watch asked for changes older than the store still keeps. */
public final class GoneException extends ProblemException {
  public GoneException(long asked, long oldest) {
    super(Problem.of(ProblemType.GONE,
        "changes after revision " + asked + " are no longer kept (oldest kept: " + oldest
            + "); list the resources again and watch from the revision the list returns"));
  }
}
