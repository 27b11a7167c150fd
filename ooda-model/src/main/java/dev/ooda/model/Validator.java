package dev.ooda.model;

/** Checks one spec beyond what its record type already enforces. */
@FunctionalInterface
public interface Validator<S extends Spec> {
  void validate(S spec, Violations violations);
}
