package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A segment: a named set of constraints that flag rules reference by name, so that "beta testers"
 * or "staff in Germany" is written once. A segment matches when all its constraints do.
 *
 * <pre>
 * kind: Segment
 * name: beta-testers
 * spec:
 *   description: opted in to early features
 *   constraints:
 *     - {attribute: plan, operator: in, values: [beta, staff]}
 *     - {attribute: appVersion, operator: semver_ge, values: ["2.3.0"]}
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SegmentSpec(String description, List<FlagSpec.Constraint> constraints) implements Spec {
  public static final Kind<SegmentSpec> KIND = Kind.of("Segment", "segments", SegmentSpec.class, SegmentSpec::check);

  public SegmentSpec {
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
  }

  static void check(SegmentSpec s, Violations v) {
    if (s.description() != null)
      v.check(s.description().length() <= FlagSpec.MAX_DESCRIPTION, "description", "must be at most " + FlagSpec.MAX_DESCRIPTION + " characters");
    if (s.constraints().isEmpty()) v.add("constraints", "is required: at least one constraint");
    FlagSpec.checkConstraints(s.constraints(), v);
  }
}
