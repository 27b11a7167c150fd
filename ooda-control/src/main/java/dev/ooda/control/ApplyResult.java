package dev.ooda.control;

import dev.ooda.model.Resource;
import java.util.List;

/**
 * What one apply did, document by document.
 *
 * @param revision the store's revision after the apply
 */
public record ApplyResult(long revision, List<Outcome> outcomes) {

  public enum Action { CREATED, UPDATED, UNCHANGED }

  public record Outcome(Action action, Resource resource) {}
}
