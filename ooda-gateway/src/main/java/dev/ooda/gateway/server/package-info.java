/** Shared Netty pieces of the gateway's server side: transport choice, TLS, client timeouts, problem answers. */
package dev.ooda.gateway.server;
