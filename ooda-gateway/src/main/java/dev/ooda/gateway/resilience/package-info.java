/**
 * What keeps a bad origin from hurting the rest: per-origin request slots and outlier ejection
 * (with Envoy's ejection cap and panic threshold), the endpoint picker, retry budgets, and the limits
 * that tune them.
 */
package dev.ooda.gateway.resilience;
