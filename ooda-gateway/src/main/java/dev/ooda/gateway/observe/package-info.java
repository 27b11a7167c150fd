/** What the gateway tells about each request: access-log lines, trace context and spans, samplers, latency meters. */
package dev.ooda.gateway.observe;
