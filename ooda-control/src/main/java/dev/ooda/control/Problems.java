package dev.ooda.control;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into {@code application/problem+json}, never a stack trace. Shared by the
 * Armeria servers of every ooda role.
 */
public final class Problems implements ServerErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  public static final MediaType PROBLEM_JSON = MediaType.parse(Problem.MEDIA_TYPE);
  public static final Problems HANDLER = new Problems();

  private Problems() {}

  public static HttpResponse response(Problem p) {
    return aggregated(p).toHttpResponse();
  }

  public static AggregatedHttpResponse aggregated(Problem p) {
    ResponseHeaders h = ResponseHeaders.builder(HttpStatus.valueOf(p.status())).contentType(PROBLEM_JSON).build();
    return AggregatedHttpResponse.of(h, com.linecorp.armeria.common.HttpData.wrap(ResourceCodec.toJsonBytes(p)));
  }

  public static Problem toProblem(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof ContentTooLargeException) return Problem.tooLarge("the request body is larger than the limit");
    }
    Throwable cause = Problem.unwrap(failure);
    if (cause instanceof com.linecorp.armeria.common.ResponseCompleteException
        || cause instanceof com.linecorp.armeria.common.ClosedSessionException
        || cause instanceof com.linecorp.armeria.common.stream.AbortedStreamException) {
      // The exchange ended on the client's side or was already answered: nothing to report.
      return Problem.of(ProblemType.CLOSED, "the exchange was closed");
    }
    Problem p = Problem.from(failure);
    if (p.is(ProblemType.INTERNAL)) log.error("unexpected failure", failure);
    return p;
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return response(toProblem(cause));
  }

  @Override
  public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
                                             HttpStatus status, String description, Throwable cause) {
    if (!status.isError()) return null;
    Problem p = switch (status.code()) {
      case 404 -> Problem.notFound("no such endpoint: " + headers.method() + " " + headers.path());
      case 405 -> Problem.of(ProblemType.METHOD_NOT_ALLOWED, headers.method() + " is not allowed on " + headers.path());
      case 413 -> Problem.tooLarge("the request body is larger than the limit");
      default -> Problem.ofStatus(status.code(), status.reasonPhrase(), description != null ? description : status.reasonPhrase());
    };
    return aggregated(p);
  }

  /** Work that blocks (ZooKeeper, SQLite, crypto) and answers, or fails with an exception that becomes a problem. */
  public interface Call {
    HttpResponse call() throws Exception;
  }

  /** Runs {@code call} off the event loop, on the request's blocking executor; a failure answers as a problem. */
  public static HttpResponse blocking(ServiceRequestContext ctx, Call call) {
    return HttpResponse.of(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (Exception e) {
        return response(toProblem(e));
      }
    }, ctx.blockingTaskExecutor()));
  }
}
