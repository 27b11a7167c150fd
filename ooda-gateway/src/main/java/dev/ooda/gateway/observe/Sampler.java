package dev.ooda.gateway.observe;

import java.util.concurrent.ThreadLocalRandom;

/** Decides whether a new trace is recorded, when the caller sent no decision of its own. */
public interface Sampler {
  Sampler ALWAYS = () -> true;
  Sampler NEVER = () -> false;

  boolean sample();

  /** A share of new traces, 0 to 1, chosen at random. */
  static Sampler probability(double rate) {
    if (rate >= 1) return ALWAYS;
    if (rate <= 0) return NEVER;
    return () -> ThreadLocalRandom.current().nextDouble() < rate;
  }
}
