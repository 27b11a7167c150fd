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
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every error of the server into {@code application/problem+json}. */
final class Problems implements ServerErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  static final MediaType PROBLEM_JSON = MediaType.parse(Problem.MEDIA_TYPE);

  static Problem invalid(String detail) {
    return Problem.of(400, "invalid", "Invalid input", detail);
  }

  static AggregatedHttpResponse render(Problem problem) {
    return AggregatedHttpResponse.of(
        ResponseHeaders.of(HttpStatus.valueOf(problem.status()), HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON),
        HttpData.wrap(ResourceCodec.toJsonBytes(problem)));
  }

  static Problem from(Throwable cause) {
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ProblemException p) return p.problem();
    if (cause instanceof ContentTooLargeException) {
      return Problem.tooLarge("the request body is larger than this server accepts");
    }
    if (cause instanceof IllegalArgumentException) {
      return invalid(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }
    if (cause instanceof HttpStatusException e) return ofStatus(e.httpStatus(), null);
    // the response already went out (e.g. a 413 before the whole body arrived): nothing to report
    if (!(cause instanceof ResponseCompleteException) && !Exceptions.isExpected(cause)) {
      log.warn("Unexpected error", cause);
    }
    return Problem.of(500, "internal", "Internal error", cause.toString());
  }

  static Problem ofStatus(HttpStatus status, String description) {
    return switch (status.code()) {
      case 400 -> invalid(description != null ? description : "bad request");
      case 404 -> Problem.notFound(description != null ? description : "no such resource");
      case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
          description != null ? description : "this resource does not take that method");
      case 413 -> Problem.tooLarge(description != null ? description : "the request body is too large");
      case 415 -> Problem.of(415, "unsupported-media-type", "Unsupported media type",
          description != null ? description : "unsupported content type");
      default -> Problem.of(status.code(), "http-" + status.code(), status.reasonPhrase(),
          description != null ? description : status.reasonPhrase());
    };
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
