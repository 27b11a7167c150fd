package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An A/B experiment built on a flag: while it runs, it decides the flag's variant for every
 * eligible unit inside its slice of its layer; everyone else gets what the flag's own rules say.
 *
 * <pre>
 * kind: Experiment
 * name: checkout-button
 * spec:
 *   owner: team-checkout
 *   hypothesis: a green button raises conversion by 2 points
 *   flag: button-color
 *   unit: userId
 *   cells:
 *     - {name: control, variant: blue, weight: 50}
 *     - {name: green, variant: green, weight: 50}
 *   eligibility:
 *     constraints: [{attribute: country, operator: in, values: [de, fr]}]
 *   layer: {name: checkout, share: 40}
 *   start: 2025-06-01T00:00:00Z
 *   stop: 2025-07-01T00:00:00Z
 *   metrics: [conversion, {name: revenue, statistic: mean}]
 * </pre>
 *
 * @param owner       the team that answers for it
 * @param hypothesis  what the experiment is meant to show, for people
 * @param flag        the Flag it owns (at most one live experiment owns a flag)
 * @param unit        the context attribute a unit is known by; {@code targetingKey} when absent
 * @param cells       control and treatments, each serving one of the flag's variants; weights sum to 100
 * @param control     the control cell's name; the first cell when absent
 * @param eligibility who may enter: constraints and segments, as in flag rules; everyone when absent
 * @param layer       experiments in one layer never share a unit; absent: a layer of its own, all of it
 * @param start       when it starts (instant or date); running from when it is applied when absent
 * @param stop        when it stops; running until a stop is set when absent
 * @param metrics     what it is judged on; the first is the primary metric
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"owner", "hypothesis", "flag", "unit", "cells", "control", "eligibility", "layer", "start", "stop", "metrics"})
public record ExperimentSpec(String owner, String hypothesis, String flag, String unit, List<Cell> cells, String control,
                             Eligibility eligibility, Layer layer, String start, String stop, List<Metric> metrics) implements Spec {

  public static final Kind<ExperimentSpec> KIND = Kind.of("Experiment", "experiments", ExperimentSpec.class, ExperimentSpec::check);
  static final int MAX_HYPOTHESIS = 1000;

  public ExperimentSpec {
    cells = cells == null ? List.of() : List.copyOf(cells);
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
  }

  /** The attribute units are known by. */
  public String effectiveUnit() {
    return unit == null || unit.isBlank() ? FlagSpec.TARGETING_KEY : unit;
  }

  /** The control cell: the one named {@code control}, else the first. */
  @JsonIgnore
  public Cell controlCell() {
    if (control != null) for (Cell c : cells) if (control.equals(c.name())) return c;
    return cells.isEmpty() ? null : cells.get(0);
  }

  /** The layer's name; an experiment without a layer is alone in one named after itself. */
  public String layerName(String experiment) {
    return layer == null || layer.name() == null ? experiment : layer.name();
  }

  /** How many of the layer's 10,000 buckets the experiment takes. */
  public int layerBuckets() {
    return layer == null || layer.share() == null ? FlagSpec.BUCKETS : layer.share().movePointRight(2).intValue();
  }

  /** The first bucket of the experiment's slice of its layer, or null while none is allocated. */
  public Integer layerOffset() {
    return layer == null || layer.share() == null ? Integer.valueOf(0) : layer.offset();
  }

  /** Start in epoch milliseconds; Long.MIN_VALUE when absent. */
  public long startMillis() {
    Long s = FlagSpec.epochMillis(start);
    return s == null ? Long.MIN_VALUE : s;
  }

  /** Stop in epoch milliseconds; Long.MAX_VALUE when absent. */
  public long stopMillis() {
    Long s = FlagSpec.epochMillis(stop);
    return s == null ? Long.MAX_VALUE : s;
  }

  /** Whether it has stopped by {@code nowMillis}: its slice of the layer is free again. */
  public boolean ended(long nowMillis) {
    return nowMillis >= stopMillis();
  }

  /** The same experiment with its layer slice starting at {@code offset}. */
  public ExperimentSpec withLayerOffset(int offset) {
    Layer l = new Layer(layer.name(), layer.share(), offset);
    return new ExperimentSpec(owner, hypothesis, flag, unit, cells, control, eligibility, l, start, stop, metrics);
  }

  /** One arm: units in it get {@code variant} of the owned flag. */
  @JsonPropertyOrder({"name", "variant", "weight"})
  public record Cell(String name, String variant, BigDecimal weight) {}

  /** Who may enter, as a flag rule's {@code segments} and {@code constraints}: all must match. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"segments", "constraints"})
  public record Eligibility(List<String> segments, List<FlagSpec.Constraint> constraints) {
    public Eligibility {
      segments = segments == null ? List.of() : List.copyOf(segments);
      constraints = constraints == null ? List.of() : List.copyOf(constraints);
    }
  }

  /**
   * A layer: units hash into 10,000 buckets by murmur3 of the layer's name and the unit, and each
   * experiment of the layer takes a disjoint range of them.
   *
   * @param name   shared by the experiments that must not share units
   * @param share  percent of the layer's units this experiment takes, up to two decimals
   * @param offset the first bucket of the experiment's range. The control plane sets it on apply
   *               when absent (the lowest free range) and keeps it on later applies, so adding
   *               an experiment never moves the units of another
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "share", "offset"})
  public record Layer(String name, BigDecimal share, Integer offset) {}

  /**
   * A metric: the name of the events it counts, and its statistic: {@code rate} (share of units
   * with at least one event) or {@code mean} (per-unit sum of the events' values). Written as a bare
   * name, {@code conversion} is a rate and any other name a mean.
   */
  @JsonPropertyOrder({"name", "statistic"})
  public record Metric(String name, String statistic) {
    public static final String RATE = "rate";
    public static final String MEAN = "mean";

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Metric {
      if (statistic == null && name != null) statistic = name.equals("conversion") ? RATE : MEAN;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Metric named(String name) {
      return new Metric(name, null);
    }

    public boolean rate() {
      return RATE.equals(statistic);
    }
  }

  static void check(ExperimentSpec s, Violations v) {
    if (s.owner() != null) v.check(!s.owner().isBlank(), "owner", "must not be blank");
    if (s.hypothesis() != null)
      v.check(s.hypothesis().length() <= MAX_HYPOTHESIS, "hypothesis", "must be at most " + MAX_HYPOTHESIS + " characters");
    if (s.flag() == null) v.add("flag", "is required: the Flag this experiment decides");
    else {
      String bad = Names.problem(s.flag());
      if (bad != null) v.add("flag", bad);
    }
    if (s.unit() != null) v.check(!s.unit().isBlank(), "unit", "must name a context attribute, e.g. userId");
    checkCells(s, v);
    if (s.eligibility() != null) {
      Violations at = v.at("eligibility");
      for (int j = 0; j < s.eligibility().segments().size(); j++) {
        String sb = Names.problem(s.eligibility().segments().get(j));
        if (sb != null) at.add("segments[" + j + "]", sb);
      }
      FlagSpec.checkConstraints(s.eligibility().constraints(), at);
    }
    if (s.layer() != null) checkLayer(s.layer(), v.at("layer"));
    Long start = FlagSpec.epochMillis(s.start());
    Long stop = FlagSpec.epochMillis(s.stop());
    if (s.start() != null && start == null) v.add("start", "'" + s.start() + "' is not a date (2025-06-01) or an instant (2025-06-01T12:00:00Z)");
    if (s.stop() != null && stop == null) v.add("stop", "'" + s.stop() + "' is not a date (2025-06-01) or an instant (2025-06-01T12:00:00Z)");
    if (start != null && stop != null && stop <= start) v.add("stop", "'" + s.stop() + "' must be after start '" + s.start() + "'");
    if (s.metrics().isEmpty()) v.add("metrics", "is required: at least one event name, the first being the primary metric, e.g. [conversion]");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.metrics().size(); i++) {
      Metric m = s.metrics().get(i);
      String path = "metrics[" + i + "]";
      if (m == null || m.name() == null) {
        v.add(path, "must name an event, e.g. conversion");
        continue;
      }
      String bad = Names.problem(m.name());
      if (bad != null) v.add(path + ".name", bad);
      else if (!names.add(m.name())) v.add(path + ".name", "'" + m.name() + "' is listed twice");
      if (!Metric.RATE.equals(m.statistic()) && !Metric.MEAN.equals(m.statistic()))
        v.add(path + ".statistic", "'" + m.statistic() + "' must be rate or mean");
    }
  }

  private static void checkCells(ExperimentSpec s, Violations v) {
    if (s.cells().size() < 2) {
      v.add("cells", "needs at least two cells (control and a treatment), each {name, variant, weight}");
      return;
    }
    Set<String> names = new HashSet<>();
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < s.cells().size(); i++) {
      Cell c = s.cells().get(i);
      Violations at = v.at("cells[" + i + "]");
      if (c == null) {
        at.add("", "must be {name, variant, weight}");
        continue;
      }
      String bad = Names.problem(c.name());
      if (bad != null) at.add("name", bad);
      else if (!names.add(c.name())) at.add("name", "'" + c.name() + "' is used by an earlier cell");
      if (c.variant() == null) at.add("variant", "is required: a variant of the flag");
      BigDecimal w = c.weight();
      if (w == null || w.signum() <= 0 || w.compareTo(BigDecimal.valueOf(100)) > 0) {
        at.add("weight", "must be a percentage above 0 and at most 100");
        continue;
      }
      if (w.stripTrailingZeros().scale() > 2) at.add("weight", "'" + w.toPlainString() + "' has more than two decimals");
      sum = sum.add(w);
    }
    if (sum.compareTo(BigDecimal.valueOf(100)) != 0)
      v.add("cells", "weights must sum to 100, sum to " + sum.stripTrailingZeros().toPlainString());
    if (s.control() != null && !names.contains(s.control()))
      v.add("control", "unknown cell '" + s.control() + "' (cells: " + String.join(", ", names) + ")");
  }

  private static void checkLayer(Layer l, Violations v) {
    String bad = Names.problem(l.name());
    if (bad != null) v.add("name", bad);
    BigDecimal share = l.share();
    if (share == null || share.signum() <= 0 || share.compareTo(BigDecimal.valueOf(100)) > 0) {
      v.add("share", "must be a percentage above 0 and at most 100 (of the layer's units)");
      return;
    }
    if (share.stripTrailingZeros().scale() > 2) {
      v.add("share", "'" + share.toPlainString() + "' has more than two decimals");
      return;
    }
    if (l.offset() != null) {
      int width = share.movePointRight(2).intValue();
      if (l.offset() < 0 || l.offset() + width > FlagSpec.BUCKETS)
        v.add("offset", l.offset() + " must be from 0 to " + (FlagSpec.BUCKETS - width) + " so that the slice fits in 10,000 buckets");
    }
  }
}
