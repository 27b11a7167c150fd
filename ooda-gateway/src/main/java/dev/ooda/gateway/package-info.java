/**
 * The ooda gateway's public face: {@link dev.ooda.gateway.GatewayServer} and its
 * {@link dev.ooda.gateway.GatewayOptions}, {@link dev.ooda.gateway.ActiveHealthChecks}, the
 * stand-alone {@link dev.ooda.gateway.GatewayMain}, the snapshot file and the management port.
 *
 * <p>The parts, each a sub-package: {@code server} (Netty transport, TLS, client timeouts, problem
 * answers), {@code routing} (route table, compiled routes, splits, instance table), {@code proxy}
 * (the exchange state machine, the inbound stages, the outbound stage, replay and mirror, origin
 * connection pools), {@code resilience} (origins' in-flight slots and ejection, the endpoint picker,
 * retry budgets, limits), {@code observe} (access log, spans, samplers, latency meters).
 * Arrows go from here to the parts, and between parts towards {@code server}; nothing points back.
 */
package dev.ooda.gateway;
