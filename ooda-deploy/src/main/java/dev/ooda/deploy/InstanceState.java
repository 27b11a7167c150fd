package dev.ooda.deploy;

/** Where one supervised instance stands. */
public enum InstanceState {
  /** started (or adopted), not yet registered and healthy */
  STARTING,
  /** registered UP and answering its health check */
  READY,
  /** exited on its own; restarted after a backoff */
  CRASHED,
  /** being drained and stopped */
  STOPPING,
  /** stopped by the supervisor */
  STOPPED
}
