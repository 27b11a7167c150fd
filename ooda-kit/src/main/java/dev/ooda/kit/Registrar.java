package dev.ooda.kit;

import dev.ooda.model.Instance;
import dev.ooda.model.ProblemException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gets one instance registered, trying again every second while the registry cannot be reached. */
final class Registrar {
  private static final Logger log = LoggerFactory.getLogger(Registrar.class);
  private static final long RETRY_MILLIS = 1_000;

  private final Registration registration;
  private final Instance instance;
  /** The version's OpenAPI document as JSON text, or null. */
  private final String openapi;
  private final ScheduledExecutorService timer;
  private volatile Registration.Registered registered;
  private ScheduledFuture<?> retry;
  private boolean stopped;

  Registrar(Registration registration, Instance instance, ScheduledExecutorService timer) {
    this(registration, instance, null, timer);
  }

  Registrar(Registration registration, Instance instance, String openapi, ScheduledExecutorService timer) {
    this.registration = registration;
    this.instance = instance;
    this.openapi = openapi;
    this.timer = timer;
  }

  /**
   * Registers now; if that fails, keeps trying in the background.
   *
   * @throws ProblemException when the registry refuses the OpenAPI document, which no retry changes
   */
  synchronized void start() {
    if (stopped || registered != null) return;
    try {
      registered = openapi == null ? registration.register(instance) : registration.register(instance, openapi);
      log.info("registered {} at {} as {}", instance.service(), instance.authority(), registered.instanceId());
      var c = registered.contract();
      if (c != null && c.path("outcome").asText().startsWith("breaking")) {
        log.warn("the contract of {} {} breaks the active one of {}, taken ({}): {}", instance.service(), instance.version(),
            c.path("major").asText(), c.path("outcome").asText(), c.path("breaking"));
      }
    } catch (ProblemException e) {
      stopped = true;
      log.error("{} {} is not registered: {}", instance.service(), instance.version(), e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      log.warn("cannot register {} at {}, trying again: {}", instance.service(), instance.authority(), e.getMessage());
      retry = timer.schedule(this::start, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** What the registry made of the OpenAPI document, or null. */
  com.fasterxml.jackson.databind.JsonNode contract() {
    Registration.Registered r = registered;
    return r == null ? null : r.contract();
  }

  /** The id the registry issued, or null while not registered. */
  String instanceId() {
    Registration.Registered r = registered;
    return r == null ? null : r.instanceId();
  }

  /** Takes the instance out of traffic; it stays registered. */
  void drain() {
    Registration.Registered r = registered;
    if (r == null) return;
    try {
      r.drain();
    } catch (RuntimeException e) {
      log.warn("cannot mark {} draining: {}", r.instanceId(), e.getMessage());
    }
  }

  /** Stops trying and deregisters. */
  void stop() {
    Registration.Registered r;
    synchronized (this) {
      stopped = true;
      if (retry != null) retry.cancel(false);
      r = registered;
      registered = null;
    }
    if (r == null) return;
    try {
      r.close();
    } catch (RuntimeException e) {
      log.warn("cannot deregister {}; its lease will expire: {}", r.instanceId(), e.getMessage());
    }
  }
}
