package dev.ooda.kit;

/** The record the test services exchange. */
public record Item(String id, String name, long priceCents) {}
