package dev.ooda.flags;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.flags.Conditions.Condition;
import dev.ooda.flags.FlagCounters.Counter;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.SegmentSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Flags and segments compiled once into an immutable table: constraints parsed, segments inlined,
 * rollout boundaries and every possible answer computed ahead, so that an evaluation is a map
 * lookup, the rules' tests and, for a rollout, one hash; it allocates nothing itself. A new set is
 * compiled for each change and swapped in whole (see {@link Flags}).
 */
public final class FlagSet {
  public static final FlagSet EMPTY = new FlagSet(Map.of(), Map.of(), Map.of(), List.of());

  private final Map<String, Compiled> flags;
  private final Map<String, FlagSpec> specs;
  private final Map<String, SegmentSpec> segments;
  private final List<String> problems;

  private FlagSet(Map<String, Compiled> flags, Map<String, FlagSpec> specs, Map<String, SegmentSpec> segments, List<String> problems) {
    this.flags = flags;
    this.specs = specs;
    this.segments = segments;
    this.problems = problems;
  }

  /** Compiles the Flag and Segment resources among {@code resources}; others are ignored. */
  public static FlagSet compile(Collection<Resource> resources, FlagCounters counters) {
    return compile(resources, counters, ExposureSink.NONE);
  }

  /**
   * Compiles the Flag, Segment and Experiment resources among {@code resources}; others are
   * ignored. Exposures to experiments go to {@code exposures}.
   */
  public static FlagSet compile(Collection<Resource> resources, FlagCounters counters, ExposureSink exposures) {
    Map<String, FlagSpec> f = new HashMap<>();
    Map<String, SegmentSpec> s = new HashMap<>();
    Map<String, ExperimentSpec> x = new HashMap<>();
    for (Resource r : resources) {
      if (r.spec() instanceof FlagSpec fs) f.put(r.name(), fs);
      else if (r.spec() instanceof SegmentSpec ss) s.put(r.name(), ss);
      else if (r.spec() instanceof ExperimentSpec es) x.put(r.name(), es);
    }
    return compile(f, s, x, counters, exposures);
  }

  /**
   * Compiles flags by key and segments by name. A rule that names a segment not given never
   * matches, and is listed in {@link #problems()}.
   */
  public static FlagSet compile(Map<String, FlagSpec> flagSpecs, Map<String, SegmentSpec> segmentSpecs, FlagCounters counters) {
    return compile(flagSpecs, segmentSpecs, Map.of(), counters, ExposureSink.NONE);
  }

  /**
   * Compiles flags by key, segments and experiments by name. An experiment decides its flag's
   * variant while it runs (see {@link ExperimentRule}); one that cannot (its flag lacks a cell's
   * variant, its layer slice is not allocated, another experiment owns the flag) is left out and
   * listed in {@link #problems()}.
   */
  public static FlagSet compile(Map<String, FlagSpec> flagSpecs, Map<String, SegmentSpec> segmentSpecs,
                                Map<String, ExperimentSpec> experimentSpecs, FlagCounters counters, ExposureSink exposures) {
    Map<String, Compiled> out = new HashMap<>();
    List<String> problems = new ArrayList<>();
    long now = System.currentTimeMillis();
    Map<String, ExperimentRule> owners = new HashMap<>();
    for (Map.Entry<String, ExperimentSpec> e : new TreeMap<>(experimentSpecs).entrySet()) {
      ExperimentSpec x = e.getValue();
      if (x.ended(now)) continue;
      FlagSpec flag = flagSpecs.get(x.flag());
      if (flag == null) {
        problems.add("Experiment/" + e.getKey() + ": no Flag/" + x.flag() + ", so it assigns nobody");
        continue;
      }
      if (owners.containsKey(x.flag())) {
        problems.add("Experiment/" + e.getKey() + ": Flag/" + x.flag() + " is owned by Experiment/"
            + owners.get(x.flag()).name + ", so it assigns nobody");
        continue;
      }
      ExperimentRule rule = ExperimentRule.compile(e.getKey(), x, flag, segmentSpecs, counters, exposures, problems);
      if (rule != null) owners.put(x.flag(), rule);
    }
    for (Map.Entry<String, FlagSpec> e : new TreeMap<>(flagSpecs).entrySet()) {
      out.put(e.getKey(), new Compiled(e.getKey(), e.getValue(), segmentSpecs, owners.get(e.getKey()), counters, problems));
    }
    return new FlagSet(Map.copyOf(out), Collections.unmodifiableMap(new TreeMap<>(flagSpecs)),
        Collections.unmodifiableMap(new TreeMap<>(segmentSpecs)), List.copyOf(problems));
  }

  /** The answer for flag {@code key} in {@code ctx}; FLAG_NOT_FOUND when there is no such flag. */
  public Evaluation evaluate(String key, Context ctx) {
    Compiled f = flags.get(key);
    if (f == null) return Evaluation.error(key, ErrorCode.FLAG_NOT_FOUND, "there is no flag '" + key + "'");
    return f.evaluate(ctx == null ? Context.EMPTY : ctx);
  }

  /** Every flag's key, sorted. */
  public Set<String> keys() {
    return specs.keySet();
  }

  /** Flag specs by key, sorted. */
  public Map<String, FlagSpec> flags() {
    return specs;
  }

  public Map<String, SegmentSpec> segments() {
    return segments;
  }

  /** The flag's type ({@code boolean}, {@code string}, {@code number}, {@code json}), or null when there is no such flag. */
  public String type(String key) {
    Compiled f = flags.get(key);
    return f == null ? null : f.type;
  }

  /** Rules that cannot match because a segment they name does not exist, e.g. {@code Flag/x rules[0]: no Segment/beta}. */
  public List<String> problems() {
    return problems;
  }

  /**
   * The flags whose answers may differ between {@code before} and this set: added, removed,
   * changed, or using a segment that changed.
   */
  public Set<String> changedSince(FlagSet before) {
    Set<String> out = new HashSet<>();
    Set<String> all = new HashSet<>(specs.keySet());
    all.addAll(before.specs.keySet());
    for (String k : all) {
      Compiled a = flags.get(k);
      Compiled b = before.flags.get(k);
      if (a == null || b == null || !a.source.equals(b.source)) out.add(k);
    }
    return out;
  }

  /** One flag, ready to evaluate. */
  private static final class Compiled {
    final String type;
    /** The spec and the segments it uses, to tell whether a new set changed this flag. */
    final List<Object> source;
    final boolean killed;
    final Evaluation fallback;
    final Counter fallbackCounter;
    final Rule[] rules;
    /** The experiment that owns this flag, tried before the rules; null when none runs. */
    final ExperimentRule experiment;

    Compiled(String key, FlagSpec spec, Map<String, SegmentSpec> segments, ExperimentRule experiment, FlagCounters counters,
             List<String> problems) {
      this.experiment = experiment;
      type = spec.effectiveType();
      killed = spec.killed();
      Map<String, Object> values = new HashMap<>();
      spec.variants().forEach((name, node) -> values.put(name, valueOf(type, node)));
      String dv = spec.defaultVariant();
      fallback = new Evaluation(key, values.get(dv), dv, killed ? Reason.DISABLED : Reason.DEFAULT, null, null, null);
      fallbackCounter = counters.counter(key, dv);
      List<Object> src = new ArrayList<>();
      src.add(spec);
      List<Rule> rs = new ArrayList<>();
      for (int i = 0; i < spec.rules().size(); i++) {
        FlagSpec.Rule r = spec.rules().get(i);
        List<Condition> cs = new ArrayList<>();
        for (String seg : r.segments()) {
          SegmentSpec s = segments.get(seg);
          src.add(s == null ? "missing " + seg : s);
          if (s == null) {
            problems.add("Flag/" + key + " rules[" + i + "] (" + r.id() + "): no Segment/" + seg + ", so the rule never matches");
            cs.add(Conditions.NEVER);
          } else {
            s.constraints().forEach(c -> cs.add(Conditions.compile(c)));
          }
        }
        r.constraints().forEach(c -> cs.add(Conditions.compile(c)));
        rs.add(new Rule(key, spec, r, Conditions.all(cs), values, counters));
      }
      rules = rs.toArray(new Rule[0]);
      if (experiment != null) src.add(experiment.source);
      source = List.copyOf(src);
    }

    Evaluation evaluate(Context ctx) {
      if (!killed) {
        if (experiment != null) {
          Evaluation e = experiment.assign(ctx);
          if (e != null) return e;
        }
        for (Rule r : rules) {
          if (!r.when.test(ctx)) continue;
          if (r.bounds == null) {
            r.counters[0].hit();
            return r.results[0];
          }
          String unit = ctx.get(r.stickiness);
          if (unit == null) continue; // nothing to stick to: this rollout cannot place the caller
          int bucket = Buckets.of(r.salt, unit);
          int i = 0;
          while (bucket >= r.bounds[i]) i++;
          r.counters[i].hit();
          return r.results[i];
        }
      }
      fallbackCounter.hit();
      return fallback;
    }
  }

  /** A rule with its answers computed ahead: one for a variant, one per slice for a rollout. */
  private static final class Rule {
    final Condition when;
    final String stickiness;
    final String salt;
    /** Exclusive upper bucket of each slice; null for a fixed variant. */
    final int[] bounds;
    final Evaluation[] results;
    final Counter[] counters;

    Rule(String key, FlagSpec spec, FlagSpec.Rule r, Condition when, Map<String, Object> values, FlagCounters counters) {
      this.when = when;
      if (r.rollout() == null) {
        stickiness = null;
        salt = null;
        bounds = null;
        results = new Evaluation[] {new Evaluation(key, values.get(r.variant()), r.variant(), Reason.TARGETING_MATCH, r.id(), null, null)};
        this.counters = new Counter[] {counters.counter(key, r.variant())};
        return;
      }
      FlagSpec.Rollout ro = r.rollout();
      stickiness = ro.effectiveStickiness();
      salt = ro.salt() == null ? key : ro.salt();
      List<Integer> b = new ArrayList<>();
      List<Evaluation> res = new ArrayList<>();
      List<Counter> cs = new ArrayList<>();
      int upper = 0;
      for (Map.Entry<String, BigDecimal> e : ro.percentages().entrySet()) {
        int width = e.getValue().movePointRight(2).intValueExact();
        if (width == 0) continue;
        upper += width;
        b.add(upper);
        res.add(new Evaluation(key, values.get(e.getKey()), e.getKey(), Reason.SPLIT, r.id(), null, null));
        cs.add(counters.counter(key, e.getKey()));
      }
      // Validation makes the slices sum to every bucket; the last one takes any rounding left.
      b.set(b.size() - 1, Integer.MAX_VALUE);
      bounds = b.stream().mapToInt(Integer::intValue).toArray();
      results = res.toArray(new Evaluation[0]);
      this.counters = cs.toArray(new Counter[0]);
    }
  }

  static Object valueOf(String type, JsonNode node) {
    return switch (type) {
      case "boolean" -> node.booleanValue();
      case "string" -> node.textValue();
      case "number" -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
      default -> Objects.requireNonNull(node).deepCopy();
    };
  }
}
