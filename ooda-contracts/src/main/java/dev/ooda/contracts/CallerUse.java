package dev.ooda.contracts;

/**
 * Calls one caller made to one operation of a service within a window.
 *
 * @param caller         the calling service ({@code gateway} for traffic from outside), or {@code unknown}
 * @param method         HTTP method
 * @param path           the operation's path template once matched, or the request path seen
 * @param requests       how many calls were seen (in the sampled traces)
 * @param lastSeenMillis when the latest of them was made (epoch millis)
 */
public record CallerUse(String caller, String method, String path, long requests, long lastSeenMillis) {

  public String operation() {
    return method + " " + path;
  }

  CallerUse plus(CallerUse o) {
    return new CallerUse(caller, method, path, requests + o.requests, Math.max(lastSeenMillis, o.lastSeenMillis));
  }
}
