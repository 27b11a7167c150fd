package dev.ooda.trace;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseCompleteException;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every error of the server into {@code application/problem+json}. */
final class Problems implements ServerErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  static final MediaType PROBLEM_JSON = MediaType.parse(Problem.MEDIA_TYPE);

  static Problem invalid(String detail) {
    return Problem.of(ProblemType.INVALID, detail);
  }

  static AggregatedHttpResponse render(Problem problem) {
    return AggregatedHttpResponse.of(
        ResponseHeaders.of(HttpStatus.valueOf(problem.status()), HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON),
        HttpData.wrap(ResourceCodec.toJsonBytes(problem)));
  }

  static Problem from(Throwable failure) {
    Throwable cause = Problem.unwrap(failure);
    if (cause instanceof ContentTooLargeException) {
      return Problem.tooLarge("the request body is larger than this server accepts");
    }
    if (cause instanceof HttpStatusException e) return ofStatus(e.httpStatus(), null);
    Problem problem = Problem.from(failure);
    // the response already went out (e.g. a 413 before the whole body arrived): nothing to report
    if (problem.is(ProblemType.INTERNAL) && !(cause instanceof ResponseCompleteException) && !Exceptions.isExpected(cause)) {
      log.warn("Unexpected error", cause);
    }
    return problem;
  }

  static Problem ofStatus(HttpStatus status, String description) {
    String detail = description != null ? description : status.reasonPhrase();
    // a bare 400 here is a parameter Armeria could not convert: input this server refuses
    return status.code() == 400 ? invalid(detail) : Problem.ofStatus(status.code(), status.reasonPhrase(), detail);
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return render(from(cause)).toHttpResponse();
  }

  @Override
  public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
      HttpStatus status, String description, Throwable cause) {
    if (cause != null && !(cause instanceof HttpStatusException)) return render(from(cause));
    return render(ofStatus(status, description));
  }

  @Override
  public AggregatedHttpResponse onProtocolViolation(ServiceConfig config, RequestHeaders headers, HttpStatus status,
      String description, Throwable cause) {
    return render(ofStatus(status, description));
  }
}
