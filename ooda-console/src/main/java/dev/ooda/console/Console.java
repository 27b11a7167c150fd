package dev.ooda.console;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import dev.ooda.control.client.ControlClient;
import dev.ooda.deploy.Rollouts;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The web console, mounted on the control plane's server: pages under {@code /console/} (one
 * HTML shell; the pages are drawn by small scripts in the browser from the admin API), and two
 * read-only pass-throughs so that the browser talks to one origin only: {@code /console/collector/}
 * to the span collector's API and {@code /console/data/} to the data service's namespace metadata.
 *
 * <p>Why the browser calls the admin API itself: reads are open and writes carry the signed-in
 * token, so the control plane's own scope checks refuse what a read-only admin may not do, and a
 * refused change shows the very problem the API answered. The console adds no authority of its own.
 *
 * <p>The collector and the data service may start after the control plane: until their URL is
 * given ({@link #useCollector}, {@link #useData}) the pass-throughs answer 503.
 */
public final class Console {
  public static final String PREFIX = "/console/";
  private static final String ASSETS = "dev/ooda/console/assets";
  private static final String CYTOSCAPE = "META-INF/resources/webjars/cytoscape/3.33.1/dist";
  private static final MediaType PROBLEM_JSON = MediaType.parse(Problem.MEDIA_TYPE);
  /** Answers larger than this from the collector or the data service are refused, not buffered. */
  private static final long MAX_PASS_THROUGH = 16L << 20;

  private final RecentDecisions decisions;
  private volatile AdminSessions sessions;
  private volatile WebClient collector;
  private volatile WebClient data;

  /** @param decisions the access decisions of the roles in this process; may be empty, never null */
  public Console(RecentDecisions decisions) {
    this.decisions = decisions;
  }

  /** Where sign-in checks tokens. */
  public Console use(AdminSessions sessions) {
    this.sessions = sessions;
    return this;
  }

  /** The span collector, e.g. {@code http://127.0.0.1:9411}. */
  public Console useCollector(URI collectorUrl) {
    this.collector = client(collectorUrl);
    return this;
  }

  /** The data service, e.g. {@code http://127.0.0.1:8070}. */
  public Console useData(URI dataUrl) {
    this.data = client(dataUrl);
    return this;
  }

  private static WebClient client(URI base) {
    return WebClient.builder(base).responseTimeout(Duration.ofSeconds(20)).maxResponseLength(MAX_PASS_THROUGH).build();
  }

  public void mount(ServerBuilder sb) {
    HttpFile shell = HttpFile.of(Console.class.getClassLoader(), ASSETS + "/index.html");
    sb.service("/", (ctx, req) -> HttpResponse.ofRedirect(HttpStatus.TEMPORARY_REDIRECT, PREFIX));
    // Every page path answers the same shell (no-cache: revalidated, so an upgrade is seen), so that any deep link can be opened or reloaded.
    sb.serviceUnder(PREFIX, shell.asService());
    sb.serviceUnder(PREFIX + "assets/", FileService.builder(Console.class.getClassLoader(), ASSETS)
        .cacheControl("no-cache").build());
    sb.serviceUnder(PREFIX + "vendor/cytoscape/", FileService.builder(Console.class.getClassLoader(), CYTOSCAPE)
        .cacheControl("max-age=86400").build());
    sb.service(PREFIX + "api/session", (ctx, req) -> session(req.headers().get(HttpHeaderNames.AUTHORIZATION)));
    sb.service(PREFIX + "api/decisions", (ctx, req) -> decisions(ctx));
    sb.route().post(PREFIX + "api/deployments/{name}/rollback").build((ctx, req) ->
        rollback(ctx, ctx.pathParam("name"), req.headers().get(HttpHeaderNames.AUTHORIZATION)));
    sb.serviceUnder(PREFIX + "collector/", passThrough("the span collector", () -> collector));
    sb.serviceUnder(PREFIX + "data/", passThrough("the data service", () -> data));
  }

  private HttpResponse session(String authorization) {
    AdminSessions s = sessions;
    if (s == null) return problem(Problem.of(ProblemType.UNAVAILABLE, "the control plane is still starting; try again"));
    String token = bearer(authorization);
    if (token == null) return problem(Problem.unauthorized("sign in with an admin token: Authorization: Bearer <token>"));
    AdminSessions.Session found = s.find(token);
    if (found == null) return problem(Problem.unauthorized("the admin token is not valid (unknown or revoked)"));
    return HttpResponse.ofJson(Map.of("name", found.name(), "scope", found.scope()));
  }

  /**
   * The rollback button: what {@code ooda rollback} does ({@link Rollouts#rollback}: the route's
   * weights, then the Deployment), through this control plane's admin API with the caller's own
   * token, so that its scope decides (a read-only token is refused there, and nothing is written).
   */
  private HttpResponse rollback(ServiceRequestContext ctx, String name, String authorization) {
    String token = bearer(authorization);
    if (token == null) return problem(Problem.unauthorized("sign in with an admin token: Authorization: Bearer <token>"));
    // The request came in on this server's admin port: the admin API is there
    InetSocketAddress local = ctx.localAddress();
    URI self = URI.create("http://" + hostOf(local) + ":" + local.getPort());
    return HttpResponse.of(CompletableFuture.supplyAsync(() -> {
      try {
        ControlClient client = new ControlClient(self, token);
        String done = Rollouts.rollback(client, Rollouts.find(client, name), "manual rollback (console)", null, Clock.systemUTC());
        return HttpResponse.ofJson(Map.of("deployment", name, "result", done));
      } catch (ProblemException e) {
        return problem(e.problem());
      } catch (IllegalStateException e) {
        // e.g. the deployment's route lost its targets for the service: nothing was written
        return problem(Problem.of(ProblemType.CONFLICT, "deployment " + name + " cannot be rolled back: " + e.getMessage()));
      }
    }, ctx.blockingTaskExecutor()));
  }

  private static String hostOf(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return a.getAddress() instanceof java.net.Inet6Address ? "[" + h + "]" : h;
  }

  private static String bearer(String authorization) {
    String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : null;
    return token == null || token.isEmpty() ? null : token;
  }

  private HttpResponse decisions(ServiceRequestContext ctx) {
    int max = 100;
    String limit = ctx.queryParam("limit");
    if (limit != null) {
      try {
        max = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        max = -1;
      }
      if (max < 1 || max > RecentDecisions.DEFAULT_CAPACITY) {
        return problem(Problem.of(ProblemType.INVALID,
            "query parameter limit: '" + limit + "' must be a whole number from 1 to " + RecentDecisions.DEFAULT_CAPACITY));
      }
    }
    List<String> lines = decisions.latest(max);
    // The lines are JSON already; the answer is their array.
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{\"items\":[" + String.join(",", lines) + "]}");
  }

  private interface Target {
    WebClient get();
  }

  /** GET only: the console reads through it, it never writes to the collector or the data service. */
  private static HttpService passThrough(String what, Target target) {
    return (ctx, req) -> {
      if (req.method() != HttpMethod.GET) {
        return problem(Problem.of(ProblemType.METHOD_NOT_ALLOWED, req.method() + " " + req.path() + ": the console only reads " + what));
      }
      WebClient client = target.get();
      if (client == null) return problem(Problem.of(ProblemType.UNAVAILABLE, what + " is not running in this process yet"));
      String path = ctx.mappedPath() + (ctx.query() == null ? "" : "?" + ctx.query());
      return HttpResponse.of(client.get(path).aggregate().handle((res, failure) -> {
        if (failure != null) {
          return problem(Problem.of(ProblemType.BAD_GATEWAY, what + " did not answer: " + Problem.unwrap(failure).getMessage()));
        }
        return res.toHttpResponse();
      }));
    };
  }

  private static HttpResponse problem(Problem p) {
    return HttpResponse.of(HttpStatus.valueOf(p.status()), PROBLEM_JSON, ResourceCodec.toJsonBytes(p));
  }
}
