package dev.ooda.deploy;

/** One request a version served, as a span recorded it. */
public record Sample(long durationMicros, boolean error) {}
