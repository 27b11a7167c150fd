package dev.ooda.function;

/**
 * A function: request in, response out. The platform starts an instance on demand, calls
 * {@link #handle} for each request a route sends it (at most the function's {@code concurrency}
 * at once per instance), and stops the instance after a short idle period. A handler class needs a
 * public constructor without arguments; one instance serves every request of a process, so it must
 * be safe for concurrent calls when {@code concurrency} is above 1.
 */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
