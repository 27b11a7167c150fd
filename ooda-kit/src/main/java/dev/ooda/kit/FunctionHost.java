package dev.ooda.kit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import dev.ooda.function.Handler;
import dev.ooda.function.Request;
import dev.ooda.function.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link Handler} as an instance of a function: a kit service (registration, health,
 * caller check, drain) that passes every request under {@code /} to the handler, on
 * {@code concurrency} threads (requests beyond wait their turn). Each invocation's duration is
 * metered, and the totals are kept in {@code usage.json} in the working directory, added to what
 * an earlier process of the same slot left there, so that the supervisor can report them.
 *
 * <p>Started by the supervisor with {@code OODA_SERVICE} (the function's name), {@code OODA_PORT},
 * {@code OODA_SERVER}, {@code OODA_FUNCTION_HANDLER} (the class) and {@code OODA_FUNCTION_CONCURRENCY}.
 */
public final class FunctionHost implements AutoCloseable {
  /** Invocations are billed in steps of this many milliseconds, each rounded up. */
  public static final long BILLING_STEP_MILLIS = 100;
  public static final String USAGE_FILE = "usage.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the instances of one slot have served.
   *
   * @param invocations how many requests the handler answered
   * @param durationMillis their summed duration, exact (to the millisecond)
   * @param billedMillis  their summed duration, each rounded up to {@link #BILLING_STEP_MILLIS}
   */
  public record Usage(long invocations, long durationMillis, long billedMillis) {
    public static Usage read(Path file) {
      try {
        return Files.exists(file) ? JSON.readValue(file.toFile(), Usage.class) : new Usage(0, 0, 0);
      } catch (IOException e) {
        return new Usage(0, 0, 0);
      }
    }
  }

  private final Kit kit;
  private final OodaService service;
  private final ExecutorService workers;
  private final Path usageFile;
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong billed = new AtomicLong();
  private final Usage before;
  private final java.util.concurrent.ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ooda-function-usage");
    t.setDaemon(true);
    return t;
  });

  private FunctionHost(Kit kit, Handler handler, int port, String version, int concurrency, Path dir) {
    this.kit = kit;
    this.usageFile = dir.resolve(USAGE_FILE);
    this.before = Usage.read(usageFile);
    this.workers = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "ooda-function");
      t.setDaemon(true);
      return t;
    });
    HttpService invoke = (ctx, req) -> HttpResponse.of(req.aggregate().thenApplyAsync(r -> invoke(handler, r), workers));
    this.service = kit.server(version).port(port).service("prefix:/", invoke).start();
    saver.scheduleWithFixedDelay(this::save, 1, 1, TimeUnit.SECONDS);
  }

  private HttpResponse invoke(Handler handler, AggregatedHttpRequest r) {
    Map<String, String> headers = new HashMap<>();
    r.headers().forEach((k, v) -> { if (!k.toString().startsWith(":")) headers.put(k.toString(), v); });
    Request req = new Request(r.method().name(), r.path().contains("?") ? r.path().substring(0, r.path().indexOf('?')) : r.path(),
        r.path().contains("?") ? r.path().substring(r.path().indexOf('?') + 1) : null, headers, r.content().array());
    long start = System.nanoTime();
    Response res;
    try {
      res = handler.handle(req);
    } catch (Exception e) {
      meter(System.nanoTime() - start);
      throw dev.ooda.model.Problem.of(dev.ooda.model.ProblemType.INTERNAL, "the function failed: " + e).toException();
    }
    meter(System.nanoTime() - start);
    ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.valueOf(res.status()));
    res.headers().forEach(h::add);
    if (!res.headers().containsKey("content-type") && res.body().length > 0) h.contentType(MediaType.OCTET_STREAM);
    return HttpResponse.of(h.build(), HttpData.wrap(res.body()));
  }

  private void meter(long n) {
    invocations.incrementAndGet();
    nanos.addAndGet(n);
    long millis = Math.max(1, (n + 999_999) / 1_000_000);
    billed.addAndGet((millis + BILLING_STEP_MILLIS - 1) / BILLING_STEP_MILLIS * BILLING_STEP_MILLIS);
  }

  /** This slot's totals so far, earlier processes included. */
  public Usage usage() {
    return new Usage(before.invocations() + invocations.get(), before.durationMillis() + nanos.get() / 1_000_000,
        before.billedMillis() + billed.get());
  }

  private synchronized void save() {
    try {
      Path tmp = usageFile.resolveSibling(USAGE_FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), usage());
      Files.move(tmp, usageFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // written again within a second
    }
  }

  public int port() {
    return service.port();
  }

  /** Drains (leaves the registry, finishes invocations in flight), then saves the usage and stops. */
  @Override
  public void close() {
    service.close();
    workers.shutdown();
    saver.shutdownNow();
    save();
    kit.close();
  }

  /** As the supervisor starts it; see the class comment. */
  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String name = required(env, "OODA_SERVICE");
    String cls = required(env, "OODA_FUNCTION_HANDLER");
    int concurrency = Integer.parseInt(env.getOrDefault("OODA_FUNCTION_CONCURRENCY", "1").trim());
    Handler handler = (Handler) Class.forName(cls).getDeclaredConstructor().newInstance();
    Kit kit = Kit.builder(name).controlPlane(env.get("OODA_SERVER")).zookeeper(env.get("OODA_ZOOKEEPER"))
        .zipkin(env.get("OODA_ZIPKIN")).start();
    FunctionHost host = new FunctionHost(kit, handler, Integer.parseInt(required(env, "OODA_PORT").trim()),
        env.getOrDefault("OODA_VERSION", "v1"), concurrency, Path.of("."));
    Runtime.getRuntime().addShutdownHook(new Thread(host::close));
    Thread.currentThread().join();
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) throw new IllegalArgumentException(name + " is not set");
    return v;
  }
}
