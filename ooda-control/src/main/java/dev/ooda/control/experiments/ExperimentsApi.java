package dev.ooda.control.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import dev.ooda.control.Problems;
import dev.ooda.control.ResourceStore;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Experiments over HTTP (see docs/flags.md, "Experiments"):
 * <ul>
 *   <li>{@code POST /api/v1/experiments/events}: a batch of exposures and business events, from the
 *       kit or from services in any language. Refused whole, naming the item and field, when any
 *       item is bad; kept whole otherwise.
 *   <li>{@code GET /api/v1/experiments/{name}/results[?sequential=true]}: the results.
 * </ul>
 * Open like the OFREP endpoints, which record exposures too: the admin API listens on 127.0.0.1.
 */
public final class ExperimentsApi {
  /** Items in one batch at most; the kit sends far smaller ones. */
  public static final int MAX_ITEMS = 10_000;
  public static final String EVENTS = "/api/v1/experiments/events";

  private final ExperimentStore store;
  private final ResourceStore resources;
  private final Function<String, ExperimentSpec> experiments;

  /**
   * @param experiments the experiments in force by name (null when none), to check the cells that
   *                    exposures name without a store read
   */
  public ExperimentsApi(ExperimentStore store, ResourceStore resources, Function<String, ExperimentSpec> experiments) {
    this.store = store;
    this.resources = resources;
    this.experiments = experiments;
  }

  public void mount(ServerBuilder sb) {
    sb.route().post(EVENTS).build((ctx, req) -> Problems.blocking(ctx, () -> events(req)));
    sb.route().get("/api/v1/experiments/{name}/results").build((ctx, req) ->
        Problems.blocking(ctx, () -> results(ctx.pathParam("name"), "true".equalsIgnoreCase(ctx.queryParam("sequential")))));
  }

  private HttpResponse events(HttpRequest req) throws Exception {
    String text = req.aggregate().get(30, TimeUnit.SECONDS).content().toString(StandardCharsets.UTF_8);
    JsonNode root;
    try {
      root = ResourceCodec.json().readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProblemException(Problem.of(ProblemType.BAD_REQUEST, "the body is not JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject())
      throw new ProblemException(Problem.of(ProblemType.BAD_REQUEST, "the body must be an object like {\"exposures\": [...], \"events\": [...]}"));
    long now = System.currentTimeMillis();
    List<Violation> bad = new ArrayList<>();
    // Each name looked up once per batch: one that this node's feed has not delivered yet is read from the store.
    java.util.Map<String, java.util.Optional<ExperimentSpec>> known = new java.util.HashMap<>();
    Function<String, ExperimentSpec> lookup = name -> known.computeIfAbsent(name, n -> {
      ExperimentSpec s = experiments.apply(n);
      return java.util.Optional.ofNullable(s != null ? s
          : resources.get(ExperimentSpec.KIND, n).map(r -> r.spec(ExperimentSpec.class)).orElse(null));
    }).orElse(null);
    List<ExperimentStore.Exposure> exposures = new ArrayList<>();
    List<ExperimentStore.Event> events = new ArrayList<>();
    JsonNode xs = root.path("exposures");
    JsonNode es = root.path("events");
    JsonNode rs = root.path("requests");
    if (!xs.isMissingNode() && !xs.isArray()) bad.add(Violation.of("exposures", "must be a list"));
    if (!es.isMissingNode() && !es.isArray()) bad.add(Violation.of("events", "must be a list"));
    if (!rs.isMissingNode() && !rs.isArray()) bad.add(Violation.of("requests", "must be a list"));
    if (xs.size() + es.size() + rs.size() > MAX_ITEMS) bad.add(Violation.of("", "at most " + MAX_ITEMS + " exposures and events in one batch"));
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
    for (int i = 0; i < xs.size(); i++) {
      JsonNode n = xs.get(i);
      String at = "exposures[" + i + "]";
      String experiment = text(n, "experiment");
      String cell = text(n, "cell");
      String unit = text(n, "unit");
      ExperimentSpec spec = experiment == null ? null : lookup.apply(experiment);
      if (experiment == null) bad.add(Violation.of(at + ".experiment", "is required"));
      else if (spec == null) bad.add(Violation.of(at + ".experiment", "unknown experiment '" + experiment + "'"));
      if (cell == null) bad.add(Violation.of(at + ".cell", "is required"));
      else if (spec != null && spec.cells().stream().noneMatch(c -> c.name().equals(cell)))
        bad.add(Violation.of(at + ".cell", "unknown cell '" + cell + "' of Experiment/" + experiment));
      if (unit == null || unit.isEmpty()) bad.add(Violation.of(at + ".unit", "is required"));
      Long t = time(n, at, now, bad);
      if (experiment != null && cell != null && unit != null && t != null) exposures.add(new ExperimentStore.Exposure(experiment, cell, unit, t));
    }
    for (int i = 0; i < es.size(); i++) {
      JsonNode n = es.get(i);
      String at = "events[" + i + "]";
      String unit = text(n, "unit");
      String name = text(n, "name");
      if (unit == null || unit.isEmpty()) bad.add(Violation.of(at + ".unit", "is required"));
      String nameProblem = Names.problem(name);
      if (nameProblem != null) bad.add(Violation.of(at + ".name", nameProblem));
      JsonNode v = n.path("value");
      double value = 1;
      if (!v.isMissingNode() && !v.isNull()) {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) bad.add(Violation.of(at + ".value", "must be a finite number"));
        else value = v.doubleValue();
      }
      Long t = time(n, at, now, bad);
      if (unit != null && nameProblem == null && t != null) events.add(new ExperimentStore.Event(unit, name, value, t));
    }
    List<ExperimentStore.Requests> requests = new ArrayList<>();
    for (int i = 0; i < rs.size(); i++) {
      JsonNode n = rs.get(i);
      String at = "requests[" + i + "]";
      String experiment = text(n, "experiment");
      String cell = text(n, "cell");
      ExperimentSpec spec = experiment == null ? null : lookup.apply(experiment);
      if (experiment == null) bad.add(Violation.of(at + ".experiment", "is required"));
      else if (spec == null) bad.add(Violation.of(at + ".experiment", "unknown experiment '" + experiment + "'"));
      if (cell == null) bad.add(Violation.of(at + ".cell", "is required"));
      else if (spec != null && spec.cells().stream().noneMatch(c -> c.name().equals(cell)))
        bad.add(Violation.of(at + ".cell", "unknown cell '" + cell + "' of Experiment/" + experiment));
      long count = n.path("requests").asLong(-1);
      long errors = n.path("errors").asLong(0);
      double sum = n.path("latencyMsSum").asDouble(-1);
      double squares = n.path("latencyMsSumOfSquares").asDouble(-1);
      if (!n.path("requests").isIntegralNumber() || count < 0) bad.add(Violation.of(at + ".requests", "must be a whole number, 0 or more"));
      if (!n.path("errors").isMissingNode() && (!n.path("errors").isIntegralNumber() || errors < 0 || errors > count))
        bad.add(Violation.of(at + ".errors", "must be a whole number from 0 to requests"));
      if (!n.path("latencyMsSum").isNumber() || !(sum >= 0) || Double.isInfinite(sum))
        bad.add(Violation.of(at + ".latencyMsSum", "must be a number, 0 or more"));
      if (!n.path("latencyMsSumOfSquares").isNumber() || !(squares >= 0) || Double.isInfinite(squares))
        bad.add(Violation.of(at + ".latencyMsSumOfSquares", "must be a number, 0 or more"));
      if (bad.isEmpty()) requests.add(new ExperimentStore.Requests(experiment, cell, count, errors, sum, squares));
    }
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
    int added = store.add(exposures, events, requests);
    return json(HttpStatus.OK, ResourceCodec.json().createObjectNode()
        .put("exposures", exposures.size()).put("newExposures", added).put("events", events.size()).put("requests", requests.size()));
  }

  private HttpResponse results(String name, boolean sequential) throws Exception {
    ExperimentSpec spec = resources.get(ExperimentSpec.KIND, name)
        .orElseThrow(() -> new ProblemException(Problem.notFound("Experiment/" + name + " does not exist")))
        .spec(ExperimentSpec.class);
    return json(HttpStatus.OK, ExperimentResults.of(name, spec, store, sequential, System.currentTimeMillis()));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() ? v.asText() : v.isNumber() ? v.asText() : null;
  }

  /** {@code at}: epoch milliseconds or an ISO instant; now when absent. */
  private static Long time(JsonNode n, String path, long now, List<Violation> bad) {
    JsonNode t = n.path("at");
    if (t.isMissingNode() || t.isNull()) return now;
    if (t.isIntegralNumber()) return t.asLong();
    if (t.isTextual()) {
      try {
        return Instant.parse(t.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    bad.add(Violation.of(path + ".at", "must be epoch milliseconds or an instant like 2025-06-01T12:00:00Z"));
    return null;
  }

  private static HttpResponse json(HttpStatus status, Object body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, ResourceCodec.toJsonBytes(body));
  }


}
