package dev.ooda.model;

/** The kind-specific part of a resource. Each kind's spec is an immutable record. */
public interface Spec {}
