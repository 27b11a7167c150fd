package dev.ooda.control.flags;

import dev.ooda.control.ResourceStore;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.SegmentSpec;
import dev.ooda.model.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Flags may name only segments that exist, in the store or in the same request. */
public final class SegmentReferences {
  private SegmentReferences() {}

  /** Refuses the request whole when a flag in it names a segment that neither it nor the store has. */
  public static void check(List<Resource> docs, ResourceStore store) {
    if (docs.stream().noneMatch(d -> d.spec() instanceof FlagSpec f && f.rules().stream().anyMatch(r -> !r.segments().isEmpty()))) return;
    Set<String> known = new HashSet<>();
    store.list(SegmentSpec.KIND).forEach(r -> known.add(r.name()));
    docs.stream().filter(d -> d.spec() instanceof SegmentSpec).forEach(d -> known.add(d.name()));
    List<Violation> bad = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      if (!(docs.get(i).spec() instanceof FlagSpec f)) continue;
      for (String path : FlagSpec.unknownSegments(f, known)) {
        String seg = segmentAt(f, path);
        bad.add(new Violation(i + 1, docs.get(i).ref(), "spec." + path,
            "unknown segment '" + seg + "'" + (known.isEmpty() ? " (there are no segments)" : " (segments: " + String.join(", ", new java.util.TreeSet<>(known)) + ")")));
      }
    }
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
  }

  /** Refuses to delete a segment that flags still name. */
  public static void checkDelete(String segment, ResourceStore store) {
    List<String> users = new ArrayList<>();
    for (Resource r : store.list(FlagSpec.KIND)) {
      if (r.spec(FlagSpec.class).rules().stream().anyMatch(x -> x.segments().contains(segment))) users.add(r.name());
    }
    if (!users.isEmpty())
      throw new ProblemException(Problem.conflict("Segment/" + segment + " is used by flags " + String.join(", ", users)
          + "; remove it from their rules first"));
  }

  private static String segmentAt(FlagSpec f, String path) {
    // path is rules[i].segments[j]
    int i = Integer.parseInt(path.substring(path.indexOf('[') + 1, path.indexOf(']')));
    int j = Integer.parseInt(path.substring(path.lastIndexOf('[') + 1, path.lastIndexOf(']')));
    return f.rules().get(i).segments().get(j);
  }
}
