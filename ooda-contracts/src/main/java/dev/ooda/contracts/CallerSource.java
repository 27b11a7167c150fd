package dev.ooda.contracts;

import java.time.Duration;
import java.util.List;

/** Where the calls a service received come from: the span collector, access logs. */
public interface CallerSource {
  /** No calls known: every operation looks unused. */
  CallerSource NONE = (service, window) -> List.of();

  /**
   * The calls {@code service} received within {@code window} before now, one entry per caller,
   * method and request path (not yet matched to operations).
   *
   * @throws IllegalStateException when the source cannot be read
   */
  List<CallerUse> calls(String service, Duration window);
}
