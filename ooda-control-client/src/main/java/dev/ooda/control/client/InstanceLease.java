package dev.ooda.control.client;

import dev.ooda.model.Instance;
import dev.ooda.model.ProblemException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registered instance whose lease is kept alive in the background, one heartbeat per the
 * service's heartbeat interval. Each heartbeat carries the whole registration (and the last status
 * the registry reported), so when a control node dies the next heartbeat re-registers the instance,
 * under the same id, with the next node. {@link #close()} deregisters it.
 */
public final class InstanceLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceLease.class);

  private final RegistryClient client;
  private final String service;
  private final InstanceRegistration registration;
  private final ScheduledExecutorService timer;
  private final com.fasterxml.jackson.databind.JsonNode contract;
  private volatile Instance instance;
  private volatile Duration heartbeat;
  private volatile boolean failing;
  private volatile boolean stopped;

  private InstanceLease(RegistryClient client, String service, InstanceRegistration registration, RegistryClient.Leased first) {
    this.client = client;
    this.service = service;
    this.registration = registration;
    this.instance = first.instance();
    this.heartbeat = first.heartbeat();
    this.contract = first.contract();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-lease-" + first.instance().id());
      t.setDaemon(true);
      return t;
    });
  }

  static InstanceLease start(RegistryClient client, String service, InstanceRegistration r, RegistryClient.Leased first) {
    InstanceLease l = new InstanceLease(client, service, r, first);
    l.schedule();
    return l;
  }

  /** The instance as the registry last reported it (its status may have been changed by an operator). */
  public Instance instance() {
    return instance;
  }

  /** What the control plane made of the OpenAPI document the registration brought, or null. */
  public com.fasterxml.jackson.databind.JsonNode contract() {
    return contract;
  }

  public String id() {
    return instance.id();
  }

  private void schedule() {
    if (!stopped) timer.schedule(this::beat, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void beat() {
    try {
      RegistryClient.Leased l = client.heartbeat(service, instance.id(), registration.withStatus(instance.status()));
      if (l.registered()) log.info("{} of {} registered again with {}", l.instance().id(), service, l.server());
      else if (failing) log.info("{} of {}: heartbeats are answered again", l.instance().id(), service);
      failing = false;
      instance = l.instance();
      heartbeat = l.heartbeat();
    } catch (ProblemException | IllegalStateException e) {
      if (!failing) log.warn("{} of {}: heartbeat failed: {}", instance.id(), service, e.getMessage());
      failing = true;
    } finally {
      schedule();
    }
  }

  /** Stops heartbeating without deregistering, as if the process had died. */
  public void halt() {
    stopped = true;
    timer.shutdownNow();
  }

  /** Stops heartbeating and deregisters. */
  @Override
  public void close() {
    halt();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      client.deregister(service, instance.id());
    } catch (ProblemException e) {
      if (e.problem().status() != 404) log.warn("{} of {}: deregistration failed: {}", instance.id(), service, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
