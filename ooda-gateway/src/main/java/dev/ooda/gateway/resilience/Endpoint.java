package dev.ooda.gateway.resilience;

/**
 * Somewhere a request can go: an instance of a service, or a route's fixed URL.
 *
 * @param id      the instance id, or the URL for a fixed target
 * @param service the service name, or null for a fixed URL
 */
public record Endpoint(String id, String service, String version, Origin origin) {}
