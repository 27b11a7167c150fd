package dev.ooda.kit;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ShuttingDownException;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.RequestCancellationException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ProblemType;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error an {@link OodaService} answers is {@code application/problem+json}. A failed call to
 * another service becomes the caller's own problem: a passed deadline is {@code 504
 * deadline-exceeded}, an unreachable or broken dependency {@code 503 dependency-unavailable}, and a
 * problem answered by a dependency {@code 502 dependency-failed} naming it; the dependency's own
 * status is not passed on, since a 404 from a dependency is not a 404 of this service.
 */
final class ServiceErrors implements ServerErrorHandler, ExceptionHandlerFunction {
  private static final Logger log = LoggerFactory.getLogger(ServiceErrors.class);
  private static final MediaType PROBLEM_JSON = MediaType.parse(Problem.MEDIA_TYPE);
  static final ServiceErrors INSTANCE = new ServiceErrors();
  /** The problem type slug answered, for the access log. */
  static final AttributeKey<String> PROBLEM = AttributeKey.valueOf(ServiceErrors.class, "PROBLEM");

  private ServiceErrors() {}

  static HttpResponse response(Problem p) {
    return aggregated(p).toHttpResponse();
  }

  private static AggregatedHttpResponse aggregated(Problem p) {
    ResponseHeaders h = ResponseHeaders.builder(HttpStatus.valueOf(p.status())).contentType(PROBLEM_JSON).build();
    return AggregatedHttpResponse.of(h, HttpData.wrap(ResourceCodec.toJsonBytes(p)));
  }

  static Problem toProblem(Throwable cause) {
    Throwable c = Exceptions.peel(cause);
    if (c instanceof DeadlineExceededException d) {
      return Problem.of(ProblemType.DEADLINE_EXCEEDED, d.getMessage());
    }
    if (c instanceof RequestTimeoutException) {
      return Problem.of(ProblemType.DEADLINE_EXCEEDED, "the request's deadline passed before its answer was ready");
    }
    if (c instanceof ShuttingDownException) {
      // nothing was done; a 503 tells the caller to try another instance
      return Problem.of(ProblemType.SHUTTING_DOWN, "this instance is shutting down");
    }
    if (c instanceof RemoteProblemException r) {
      return Problem.of(ProblemType.DEPENDENCY_FAILED,
          r.service() + " answered " + r.status() + " " + r.type() + ": " + r.detail());
    }
    if (c instanceof CallException e) {
      return Problem.of(ProblemType.DEPENDENCY_UNAVAILABLE, e.getMessage());
    }
    if (c instanceof ProblemException pe) return pe.problem();
    if (c instanceof ContentTooLargeException) return Problem.tooLarge("the request body is larger than the limit");
    Problem p = Problem.from(c);
    if (p.is(ProblemType.INTERNAL)) log.error("unexpected failure", c);
    return p;
  }

  @Override
  public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
    return answer(ctx, cause);
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    if (Exceptions.peel(cause) instanceof RequestCancellationException) return null;
    return answer(ctx, cause);
  }

  private static HttpResponse answer(ServiceRequestContext ctx, Throwable cause) {
    Problem p = toProblem(cause);
    ctx.setAttr(PROBLEM, p.slug());
    return response(p);
  }

  @Override
  public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
                                             HttpStatus status, String description, Throwable cause) {
    if (cause != null && Exceptions.peel(cause) instanceof RequestTimeoutException) {
      return aggregated(toProblem(cause));
    }
    if (!status.isError()) return null;
    Problem p = switch (status.code()) {
      case 404 -> Problem.notFound("no such endpoint: " + headers.method() + " " + headers.path());
      case 405 -> Problem.of(ProblemType.METHOD_NOT_ALLOWED, headers.method() + " is not allowed on " + headers.path());
      case 413 -> Problem.tooLarge("the request body is larger than the limit");
      default -> Problem.ofStatus(status.code(), status.reasonPhrase(),
          description != null ? description : status.reasonPhrase());
    };
    return aggregated(p);
  }
}
