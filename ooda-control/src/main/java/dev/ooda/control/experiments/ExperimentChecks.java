package dev.ooda.control.experiments;

import dev.ooda.control.ResourceStore;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.SegmentSpec;
import dev.ooda.model.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an experiment needs from other resources, checked when it is applied: its flag exists and
 * has every cell's variant, its segments exist, no other live experiment owns the flag, and its
 * layer has room. It also allocates the experiment's slice of its layer.
 *
 * <p>Slices are kept in the experiment itself ({@code layer.offset}), so that every evaluator sees
 * the same ones and a slice never moves once given: a new experiment takes the lowest free range
 * of its size among the live (not yet stopped) experiments of its layer, and a re-applied one keeps
 * the offset it was given. Deriving ranges from names or order instead would shift running
 * experiments' units whenever one is added or removed before them.
 */
public final class ExperimentChecks {
  private ExperimentChecks() {}

  /** The documents to store: experiments with their layer slices allocated; throws, naming each field, when any is refused. */
  public static List<Resource> prepare(List<Resource> docs, ResourceStore store, long nowMillis) {
    boolean experiments = docs.stream().anyMatch(d -> d.spec() instanceof ExperimentSpec);
    boolean flags = docs.stream().anyMatch(d -> d.spec() instanceof FlagSpec);
    if (!experiments && !flags) return docs;
    Map<String, FlagSpec> flagsByName = new HashMap<>();
    store.list(FlagSpec.KIND).forEach(r -> flagsByName.put(r.name(), r.spec(FlagSpec.class)));
    Set<String> segments = new HashSet<>();
    store.list(SegmentSpec.KIND).forEach(r -> segments.add(r.name()));
    Map<String, ExperimentSpec> stored = new HashMap<>();
    store.list(ExperimentSpec.KIND).forEach(r -> stored.put(r.name(), r.spec(ExperimentSpec.class)));
    for (Resource d : docs) {
      if (d.spec() instanceof FlagSpec f) flagsByName.put(d.name(), f);
      if (d.spec() instanceof SegmentSpec) segments.add(d.name());
    }
    Set<String> inRequest = new HashSet<>();
    docs.stream().filter(d -> d.spec() instanceof ExperimentSpec).forEach(d -> inRequest.add(d.name()));
    // The live experiments this request leaves in place, then each of the request's as it is placed.
    Map<String, ExperimentSpec> live = new HashMap<>();
    stored.forEach((n, x) -> {
      if (!inRequest.contains(n) && !x.ended(nowMillis)) live.put(n, x);
    });

    List<Violation> bad = new ArrayList<>();
    List<Resource> out = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      Resource d = docs.get(i);
      int doc = i + 1;
      if (d.spec() instanceof FlagSpec f) {
        checkFlagKeepsVariants(doc, d.name(), f, live, bad);
        out.add(d);
        continue;
      }
      if (!(d.spec() instanceof ExperimentSpec x)) {
        out.add(d);
        continue;
      }
      int before = bad.size();
      FlagSpec flag = flagsByName.get(x.flag());
      if (flag == null) {
        bad.add(new Violation(doc, d.ref(), "spec.flag", "unknown flag '" + x.flag() + "' (apply the Flag first, or in the same request)"));
      } else {
        for (int c = 0; c < x.cells().size(); c++) {
          String v = flag.variantNamed(x.cells().get(c).variant());
          if (!flag.variants().containsKey(v))
            bad.add(new Violation(doc, d.ref(), "spec.cells[" + c + "].variant", "unknown variant '" + x.cells().get(c).variant()
                + "' of Flag/" + x.flag() + " (variants: " + String.join(", ", flag.variants().keySet()) + ")"));
        }
      }
      if (x.eligibility() != null) {
        List<String> segs = x.eligibility().segments();
        for (int j = 0; j < segs.size(); j++) {
          if (!segments.contains(segs.get(j)))
            bad.add(new Violation(doc, d.ref(), "spec.eligibility.segments[" + j + "]", "unknown segment '" + segs.get(j) + "'"
                + (segments.isEmpty() ? " (there are no segments)" : " (segments: " + String.join(", ", new TreeSet<>(segments)) + ")")));
        }
      }
      boolean ended = x.ended(nowMillis);
      if (!ended) {
        live.forEach((other, o) -> {
          if (o.flag().equals(x.flag()))
            bad.add(new Violation(doc, d.ref(), "spec.flag", "Flag/" + x.flag() + " is already owned by Experiment/" + other
                + ", which has not stopped; a flag has one experiment at a time"));
        });
      }
      ExperimentSpec placed = x;
      if (!ended && x.layer() != null) placed = place(doc, d, x, stored.get(d.name()), live, bad);
      if (bad.size() == before && !ended) live.put(d.name(), placed);
      out.add(placed == x ? d : new Resource(d.kind(), d.name(), d.version(), placed));
    }
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
    return out;
  }

  /** The experiment with its slice of its layer: the one it asks for, the one it had, or the lowest free one. */
  private static ExperimentSpec place(int doc, Resource d, ExperimentSpec x, ExperimentSpec before, Map<String, ExperimentSpec> live,
                                      List<Violation> bad) {
    String layer = x.layerName(d.name());
    int width = x.layerBuckets();
    List<int[]> taken = new ArrayList<>();
    List<String> users = new ArrayList<>();
    int used = 0;
    for (Map.Entry<String, ExperimentSpec> e : live.entrySet()) {
      ExperimentSpec o = e.getValue();
      if (!o.layerName(e.getKey()).equals(layer) || o.layerOffset() == null) continue;
      taken.add(new int[] {o.layerOffset(), o.layerOffset() + o.layerBuckets()});
      users.add(e.getKey() + " " + percent(o.layerBuckets()) + "%");
      used += o.layerBuckets();
    }
    if (used + width > FlagSpec.BUCKETS) {
      bad.add(new Violation(doc, d.ref(), "spec.layer.share", "layer '" + layer + "' would be " + percent(used + width)
          + "% taken by running experiments (" + String.join(", ", new TreeSet<>(users)) + ", and this one " + percent(width) + "%)"));
      return x;
    }
    taken.sort(Comparator.comparingInt(r -> r[0]));
    if (x.layerOffset() != null) {
      if (!fits(x.layerOffset(), width, taken))
        bad.add(new Violation(doc, d.ref(), "spec.layer.offset", "buckets " + x.layerOffset() + ".." + (x.layerOffset() + width - 1)
            + " overlap another running experiment of layer '" + layer + "'"));
      return x;
    }
    if (before != null && before.layer() != null && layer.equals(before.layerName(d.name())) && before.layerOffset() != null
        && fits(before.layerOffset(), width, taken)) {
      return x.withLayerOffset(before.layerOffset());
    }
    int at = 0;
    for (int[] r : taken) {
      if (r[0] - at >= width) break;
      at = Math.max(at, r[1]);
    }
    if (at + width > FlagSpec.BUCKETS) {
      bad.add(new Violation(doc, d.ref(), "spec.layer.share", "layer '" + layer + "' has no free range of " + percent(width)
          + "% left in one piece; stop an experiment of it or use a smaller share"));
      return x;
    }
    return x.withLayerOffset(at);
  }

  private static boolean fits(int offset, int width, List<int[]> taken) {
    for (int[] r : taken) if (offset < r[1] && r[0] < offset + width) return false;
    return offset >= 0 && offset + width <= FlagSpec.BUCKETS;
  }

  /** A flag may not lose a variant that a live experiment serves. */
  private static void checkFlagKeepsVariants(int doc, String name, FlagSpec f, Map<String, ExperimentSpec> live, List<Violation> bad) {
    live.forEach((x, spec) -> {
      if (!spec.flag().equals(name)) return;
      for (ExperimentSpec.Cell c : spec.cells()) {
        if (!f.variants().containsKey(f.variantNamed(c.variant())))
          bad.add(new Violation(doc, "Flag/" + name, "spec.variants", "Experiment/" + x + " serves variant '" + c.variant()
              + "' in cell " + c.name() + "; stop the experiment before removing it"));
      }
    });
  }

  /** Refuses to delete a flag that a live experiment owns. */
  public static void checkDelete(String flag, ResourceStore store, long nowMillis) {
    List<String> owners = new ArrayList<>();
    for (Resource r : store.list(ExperimentSpec.KIND)) {
      ExperimentSpec x = r.spec(ExperimentSpec.class);
      if (x.flag().equals(flag) && !x.ended(nowMillis)) owners.add(r.name());
    }
    if (!owners.isEmpty())
      throw new ProblemException(Problem.conflict("Flag/" + flag + " is owned by Experiment/" + String.join(", Experiment/", owners)
          + "; stop or delete the experiment first"));
  }

  private static String percent(int buckets) {
    return new java.math.BigDecimal(buckets).movePointLeft(2).stripTrailingZeros().toPlainString();
  }
}
