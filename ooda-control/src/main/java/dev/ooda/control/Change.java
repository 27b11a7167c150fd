package dev.ooda.control;

import dev.ooda.model.Resource;

/**
 * One change to the store, in the order the store made it.
 *
 * @param revision the store's revision after this change; revisions only grow
 * @param type     whether the resource was applied (created or updated) or deleted
 * @param resource the resource as stored after the change, or as it was before a delete
 */
public record Change(long revision, Type type, Resource resource) {
  public enum Type { APPLIED, DELETED }
}
