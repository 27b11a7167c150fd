package dev.ooda.examples.catalog;

/** One thing the catalog sells. Part of the API: the service answers it and the client returns it. */
public record Item(String id, String name, long priceCents) {}
