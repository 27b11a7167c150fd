package dev.ooda.data;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import io.netty.util.AttributeKey;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error as {@code application/problem+json}: problems raised by the API, Armeria's own
 * refusals (unknown path, wrong method, body too large), and failures, which are logged.
 */
final class Errors implements ExceptionHandlerFunction, ServerErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);
  /** The problem's slug, for the access log's error field. */
  static final AttributeKey<String> PROBLEM = AttributeKey.valueOf(Errors.class, "problem");
  private static final MediaType PROBLEM_JSON = MediaType.parse(Problem.MEDIA_TYPE);

  private final long maxRequestBytes;

  Errors(long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
    return respond(ctx, problemOf(ctx, cause));
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return respond(ctx, problemOf(ctx, cause));
  }

  @Override
  public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
                                             HttpStatus status, String description, Throwable cause) {
    if (status.code() < 400) return null;
    Problem p = switch (status.code()) {
      case 404 -> Problem.notFound("no such path: " + (headers == null ? "" : headers.path()));
      case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
          (headers == null ? "this method" : headers.method().name()) + " is not allowed on this path");
      case 413 -> tooLarge();
      default -> Problem.of(status.code(), "http-" + status.code(), status.reasonPhrase(),
          description != null ? description : status.reasonPhrase());
    };
    if (ctx != null) ctx.setAttr(PROBLEM, p.slug());
    return AggregatedHttpResponse.of(ResponseHeaders.of(HttpStatus.valueOf(p.status()), "content-type", Problem.MEDIA_TYPE),
        com.linecorp.armeria.common.HttpData.wrap(ResourceCodec.toJsonBytes(p)));
  }

  private Problem tooLarge() {
    return Problem.tooLarge("the request body is larger than the limit of " + maxRequestBytes + " bytes");
  }

  private Problem problemOf(ServiceRequestContext ctx, Throwable cause) {
    Throwable c = unwrap(cause);
    if (c instanceof ProblemException p) return p.problem();
    if (c instanceof ContentTooLargeException) return tooLarge();
    if (c instanceof com.linecorp.armeria.server.HttpStatusException h) {
      if (h.httpStatus().code() == 413) return tooLarge();
      if (h.httpStatus().code() < 500) return Problem.of(h.httpStatus().code(), "http-" + h.httpStatus().code(), h.httpStatus().reasonPhrase(), h.httpStatus().reasonPhrase());
    }
    if (c instanceof org.jooq.exception.DataAccessException d && d.getCause(SQLTransientConnectionException.class) != null) {
      LOG.warn("{} {}: no database connection in time", ctx.method(), ctx.path());
      return Problems.unavailable("no database connection became free in time; retry later").problem();
    }
    LOG.error("{} {} failed", ctx.method(), ctx.path(), c);
    return Problems.internal("the data service failed on this request (" + c.getClass().getSimpleName() + "); see its log");
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.lang.reflect.InvocationTargetException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static HttpResponse respond(ServiceRequestContext ctx, Problem p) {
    if (ctx != null) ctx.setAttr(PROBLEM, p.slug());
    return HttpResponse.of(HttpStatus.valueOf(p.status()), PROBLEM_JSON, ResourceCodec.toJsonBytes(p));
  }
}
