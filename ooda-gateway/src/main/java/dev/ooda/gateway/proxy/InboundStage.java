package dev.ooda.gateway.proxy;

import dev.ooda.model.Problem;

/**
 * One step of the inbound stage: a check that may refuse a request, or a decision recorded on it.
 * Stages read the request head only, never a socket, and run in the order {@link Inbound} lists.
 */
interface InboundStage {
  /** The problem that answers the request instead of an origin, or null to go on to the next stage. */
  Problem apply(InboundRequest r);
}
