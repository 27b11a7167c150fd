package dev.ooda.flags;

import dev.ooda.flags.Conditions.Condition;
import dev.ooda.flags.FlagCounters.Counter;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.SegmentSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment compiled against the flag it owns. A unit is assigned when the experiment runs
 * (start &lt;= now &lt; stop), the unit is eligible, has the unit attribute, and its layer bucket
 * ({@code murmur3("layer:" + layer + ":" + unit)} into 10,000) falls in the experiment's slice of
 * the layer. Its cell then comes from a second, independent hash, {@code murmur3("experiment:" +
 * name + ":" + unit)}, across the cells' weights in the order written. The prefixes keep the two
 * hashes apart even when the layer is named after the experiment.
 */
final class ExperimentRule {
  final String name;
  /** The spec and the segments it uses, to tell whether a new set changed the flag's answers. */
  final List<Object> source;
  private final long start;
  private final long stop;
  private final Condition eligible;
  private final String unitAttribute;
  private final String layerSalt;
  private final int low;
  private final int high;
  private final String cellSalt;
  /** Exclusive upper bucket of each cell. */
  private final int[] bounds;
  private final String[] cells;
  private final Evaluation[] results;
  private final Counter[] counters;
  private final ExposureSink exposures;

  private ExperimentRule(String name, List<Object> source, ExperimentSpec x, Condition eligible, int low, int high,
                         int[] bounds, String[] cells, Evaluation[] results, Counter[] counters, ExposureSink exposures) {
    this.name = name;
    this.source = source;
    this.start = x.startMillis();
    this.stop = x.stopMillis();
    this.eligible = eligible;
    this.unitAttribute = x.effectiveUnit();
    this.layerSalt = "layer:" + x.layerName(name);
    this.low = low;
    this.high = high;
    this.cellSalt = "experiment:" + name;
    this.bounds = bounds;
    this.cells = cells;
    this.results = results;
    this.counters = counters;
    this.exposures = exposures;
  }

  /** The compiled experiment, or null (with the reason in {@code problems}) when it cannot assign. */
  static ExperimentRule compile(String name, ExperimentSpec x, FlagSpec flag, Map<String, SegmentSpec> segments,
                                FlagCounters counters, ExposureSink exposures, List<String> problems) {
    Integer offset = x.layerOffset();
    if (offset == null) {
      problems.add("Experiment/" + name + ": its slice of layer " + x.layerName(name) + " is not allocated (apply it through the control plane)");
      return null;
    }
    String type = flag.effectiveType();
    Map<String, Object> values = new HashMap<>();
    flag.variants().forEach((v, node) -> values.put(v, FlagSet.valueOf(type, node)));
    List<Object> src = new ArrayList<>();
    src.add(x);
    List<Condition> cs = new ArrayList<>();
    if (x.eligibility() != null) {
      for (String seg : x.eligibility().segments()) {
        SegmentSpec s = segments.get(seg);
        src.add(s == null ? "missing " + seg : s);
        if (s == null) {
          problems.add("Experiment/" + name + ": no Segment/" + seg + ", so nobody is eligible");
          cs.add(Conditions.NEVER);
        } else {
          s.constraints().forEach(c -> cs.add(Conditions.compile(c)));
        }
      }
      x.eligibility().constraints().forEach(c -> cs.add(Conditions.compile(c)));
    }
    int n = x.cells().size();
    int[] bounds = new int[n];
    String[] cellNames = new String[n];
    Evaluation[] results = new Evaluation[n];
    Counter[] cellCounters = new Counter[n];
    int upper = 0;
    for (int i = 0; i < n; i++) {
      ExperimentSpec.Cell c = x.cells().get(i);
      String variant = flag.variantNamed(c.variant());
      if (!values.containsKey(variant)) {
        problems.add("Experiment/" + name + " cells[" + i + "]: Flag/" + x.flag() + " has no variant '" + c.variant() + "', so it assigns nobody");
        return null;
      }
      upper += c.weight().multiply(BigDecimal.valueOf(100)).intValue();
      bounds[i] = upper;
      cellNames[i] = c.name();
      results[i] = new Evaluation(x.flag(), values.get(variant), variant, Reason.SPLIT, null, null, null, name, c.name());
      cellCounters[i] = counters.counter(x.flag(), variant);
    }
    // Validation makes the weights sum to every bucket; the last cell takes any rounding left.
    bounds[n - 1] = Integer.MAX_VALUE;
    return new ExperimentRule(name, List.copyOf(src), x, Conditions.all(cs), offset, offset + x.layerBuckets(),
        bounds, cellNames, results, cellCounters, exposures);
  }

  /** The unit's cell as an answer, reporting the exposure; null when the experiment does not take this unit. */
  Evaluation assign(Context ctx) {
    long now = System.currentTimeMillis();
    if (now < start || now >= stop) return null;
    String unit = ctx.get(unitAttribute);
    if (unit == null || !eligible.test(ctx)) return null;
    int layerBucket = Buckets.of(layerSalt, unit);
    if (layerBucket < low || layerBucket >= high) return null;
    int bucket = Buckets.of(cellSalt, unit);
    int i = 0;
    while (bucket >= bounds[i]) i++;
    counters[i].hit();
    exposures.exposed(name, cells[i], unit);
    return results[i];
  }
}
