/**
 * One request through the gateway. {@link dev.ooda.gateway.proxy.Exchange} is the event-loop state
 * machine; {@link dev.ooda.gateway.proxy.Inbound} lists the inbound stages (checks and decisions on
 * the request head: a new check is one class implementing {@code InboundStage} here and one line in
 * {@code Inbound}); the outbound stage records the outcome; replay buffers, mirrors and the
 * per-event-loop origin connection pools live beside them.
 */
package dev.ooda.gateway.proxy;
