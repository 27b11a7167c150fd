package dev.ooda.kit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.linecorp.armeria.client.RequestOptions;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.endpoint.EndpointGroupException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.QueryParamsBuilder;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One call being prepared: headers, query, body and timeout, then {@link #as} to send it and
 * read the answer into a type, or {@link #send} when the answer has no body worth reading. A
 * {@code Call} is used once, on one thread.
 *
 * <p>Blocking forms ({@link #as}, {@link #send}) throw a {@link CallException}; asynchronous forms
 * ({@code ...Async}) complete exceptionally with one. Inside a request served by an
 * {@link OodaService}, the asynchronous forms complete in that request's context.
 */
public final class Call {
  private static final MediaType PROBLEM = MediaType.parse(Problem.MEDIA_TYPE);
  // Plain media types without parameters: a server parses Accept on every request, and
  // quality factors cost it more than they say (errors come as problem+json whatever is asked).
  private static final String ACCEPT_CBOR = "application/cbor, application/json";
  private static final String ACCEPT_JSON = "application/json";

  private final OodaClient client;
  private final RequestHeadersBuilder headers;
  private final String path;
  private QueryParamsBuilder query;
  private Object body;
  private Duration timeout;
  private boolean idempotent;

  Call(OodaClient client, HttpMethod method, String path) {
    this.client = client;
    this.path = path;
    this.headers = RequestHeaders.builder(method, path);
  }

  public Call header(String name, Object value) {
    headers.add(name, String.valueOf(value));
    return this;
  }

  public Call query(String name, Object value) {
    if (query == null) query = QueryParams.builder();
    query.add(name, String.valueOf(value));
    return this;
  }

  /** The request body, encoded in the client's {@link Codec}. */
  public Call body(Object value) {
    this.body = value;
    return this;
  }

  /** This call's deadline instead of the client's default; sooner if the request being served has less. */
  public Call timeout(Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeout must be positive");
    this.timeout = d;
    return this;
  }

  /**
   * Marks the call as safe to repeat although its method is not idempotent, e.g. a {@code POST}
   * that carries an idempotency key, so that it is retried like a {@code GET}.
   */
  public Call idempotent() {
    this.idempotent = true;
    return this;
  }

  /**
   * Sends the call and reads a 2xx answer into {@code type}; null when the answer has no body. A
   * {@code String} takes a text answer as it is, and {@code byte[]} any answer's bytes.
   */
  public <T> T as(Class<T> type) {
    return join(asAsync(type));
  }

  public <T> T as(TypeReference<T> type) {
    return join(asAsync(type));
  }

  public <T> CompletableFuture<T> asAsync(Class<T> type) {
    return read(type);
  }

  public <T> CompletableFuture<T> asAsync(TypeReference<T> type) {
    return read(type.getType());
  }

  /** Sends the call; any 2xx answer is success. */
  public void send() {
    join(sendAsync());
  }

  public CompletableFuture<Void> sendAsync() {
    return read(Void.class);
  }

  /** Sends the call and hands over the whole answer, whatever its status; only failures to get one are exceptions. */
  public CompletableFuture<AggregatedHttpResponse> executeAsync() {
    return inContext(execute().exceptionally(t -> {
      throw new CompletionException(failure(client.service(), t));
    }));
  }

  private <T> CompletableFuture<T> read(Type type) {
    Codec codec = client.options().codec();
    JavaType javaType = codec.type(type);
    String service = client.service();
    return inContext(execute().handle((res, t) -> {
      if (t != null) throw new CompletionException(failure(service, t));
      return decode(service, res, javaType);
    }));
  }

  private CompletableFuture<AggregatedHttpResponse> execute() {
    long now = System.nanoTime();
    long deadline = now + (timeout != null ? timeout : client.options().timeout()).toNanos();
    long inherited = Deadlines.inherited();
    if (inherited - deadline < 0) deadline = inherited;
    if (deadline - now <= 0) {
      return CompletableFuture.failedFuture(new DeadlineExceededException(client.service(),
          "the deadline of the request being served passed before calling " + client.service(), null));
    }
    client.budget().deposit();
    Codec codec = client.options().codec();
    headers.set(HttpHeaderNames.ACCEPT, codec == Codec.CBOR ? ACCEPT_CBOR : ACCEPT_JSON);
    if (query != null) headers.path(path + "?" + query.toQueryString());
    HttpData content = HttpData.empty();
    if (body != null) {
      headers.contentType(codec.mediaType());
      content = HttpData.wrap(codec.write(body));
    }
    RequestHeaders h = headers.build();
    boolean safe = Retries.idempotent(h.method(), idempotent);
    // Retries run in the context of the request being served, if any, so that their spans stay in its trace.
    ServiceRequestContext served = ServiceRequestContext.currentOrNull();
    ScheduledExecutorService timer = served != null ? served.eventLoop() : client.retryTimer();
    CompletableFuture<AggregatedHttpResponse> result = new CompletableFuture<>();
    attempt(1, h, content, deadline, safe, timer, result);
    return result;
  }

  /** Sends attempt {@code n}; on a failure that {@link Retries} deems safe, schedules the next. */
  private void attempt(int n, RequestHeaders h, HttpData content, long deadline, boolean safe,
                       ScheduledExecutorService timer, CompletableFuture<AggregatedHttpResponse> result) {
    try {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        result.completeExceptionally(new DeadlineExceededException(client.service(),
            "no answer from " + client.service() + " before the deadline", null));
        return;
      }
      Duration attemptTimeout = client.options().attemptTimeout();
      long timeout = attemptTimeout == null ? left : Math.min(left, attemptTimeout.toNanos());
      // Whole milliseconds, rounded up: Armeria takes 0 as "no timeout".
      RequestOptions ro = RequestOptions.builder()
          .responseTimeoutMillis((timeout + 999_999) / 1_000_000)
          .attr(Deadlines.CALL, deadline)
          .build();
      HttpRequest req = content.isEmpty() ? HttpRequest.of(h) : HttpRequest.of(h, content);
      client.webClient().execute(req, ro).aggregate().handle((res, cause) -> {
        try {
          long delay = client.retries().delayMillis(n, safe, res, cause, deadline - System.nanoTime());
          if (delay == Retries.NO) {
            if (cause != null) result.completeExceptionally(cause);
            else result.complete(res);
          } else {
            timer.schedule(() -> attempt(n + 1, h, content, deadline, safe, timer, result), delay, TimeUnit.MILLISECONDS);
          }
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
        return null;
      });
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  private static <T> CompletableFuture<T> inContext(CompletableFuture<T> f) {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    return ctx == null ? f : ctx.makeContextAware(f);
  }

  @SuppressWarnings("unchecked")
  static <T> T decode(String service, AggregatedHttpResponse res, JavaType type) {
    HttpStatus status = res.status();
    if (status.isSuccess()) {
      Class<?> raw = type.getRawClass();
      if (raw == Void.class || res.content().isEmpty()) return null;
      Codec c = Codec.of(res.contentType());
      if (c == null && raw == String.class) return (T) res.contentUtf8();
      if (raw == byte[].class) return (T) res.content().array();
      if (c == null) {
        throw new RemoteProblemException(service, unreadable(res, "has Content-Type " + res.contentType() + ", neither JSON nor CBOR"));
      }
      try {
        return c.readLenient(res.content().array(), type);
      } catch (IOException e) {
        throw new RemoteProblemException(service, unreadable(res, "is not a " + type.getRawClass().getSimpleName() + ": " + firstLine(e.getMessage())));
      }
    }
    Problem p = problemOf(res);
    if (p.is(ProblemType.DEADLINE_EXCEEDED)) {
      throw new DeadlineExceededException(service, service + " answered: " + p.detail(), new RemoteProblemException(service, p));
    }
    throw new RemoteProblemException(service, p);
  }

  private static Problem problemOf(AggregatedHttpResponse res) {
    int status = res.status().code();
    MediaType type = res.contentType();
    if (type != null && type.is(PROBLEM)) {
      try {
        Problem p = ResourceCodec.json().readerFor(Problem.class)
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .readValue(res.content().array());
        if (p.type() != null) return p.status() == status ? p : new Problem(p.type(), p.title(), status, p.detail(), p.errors());
      } catch (IOException | RuntimeException notAProblem) {
        // described from the status below
      }
    }
    String text = res.contentUtf8();
    if (text.length() > 200) text = text.substring(0, 200) + "...";
    return Problem.httpStatus(status, res.status().reasonPhrase(), text.isBlank() ? res.status().toString() : text);
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int cut = s.indexOf('\n');
    return cut > 0 ? s.substring(0, cut) : s;
  }

  private static Problem unreadable(AggregatedHttpResponse res, String why) {
    return Problem.of(ProblemType.UNREADABLE_ANSWER, "the " + res.status().code() + " answer " + why);
  }

  static CallException failure(String service, Throwable t) {
    Throwable c = Exceptions.peel(t);
    if (c instanceof CallException ce) return ce;
    if (c instanceof ResponseTimeoutException) {
      return new DeadlineExceededException(service, "no answer from " + service + " before the deadline", c);
    }
    if (c instanceof UnprocessedRequestException u) {
      Throwable why = u.getCause();
      if (why instanceof EndpointGroupException) return new NetworkException(service, "no instance of " + service + " is up", why);
      return new NetworkException(service, "cannot reach " + service + ": " + why, why);
    }
    return new NetworkException(service, "the call to " + service + " failed: " + c, c);
  }

  private static boolean inEventLoop() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    return ctx != null && ctx.eventLoop().inEventLoop();
  }

  private static <T> T join(CompletableFuture<T> f) {
    // Waiting on an event loop could wait for the very thread that would answer.
    if (inEventLoop()) {
      throw new IllegalStateException("a blocking call on an event loop: use the ...Async form there");
    }
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = Exceptions.peel(e);
      if (c instanceof CallException ce) throw ce;
      throw e;
    }
  }
}
