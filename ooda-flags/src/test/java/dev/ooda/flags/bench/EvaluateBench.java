package dev.ooda.flags.bench;

import dev.ooda.flags.Context;
import dev.ooda.flags.Evaluation;
import dev.ooda.flags.FlagCounters;
import dev.ooda.flags.FlagSet;
import dev.ooda.model.ResourceCodec;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation in a set of 1,000 flags (goal: under 1 µs): a flag whose three targeting rules
 * miss before a 25 % rollout places the user, a segment included; and a plain flag with no rules.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class EvaluateBench {
  private FlagSet set;
  private Context[] users;
  private int next;

  @Setup
  public void setup() {
    StringBuilder docs = new StringBuilder("""
        kind: Segment
        name: beta
        spec: {constraints: [{attribute: plan, operator: in, values: [beta]}, {attribute: appVersion, operator: semver_ge, values: ["2.3.0"]}]}
        ---
        kind: Flag
        name: new-checkout
        spec:
          variants: {on: true, off: false}
          defaultVariant: off
          rules:
            - {id: staff, constraints: [{attribute: email, operator: ends_with, values: ["@example.com"]}], variant: on}
            - {id: beta, segments: [beta], variant: on}
            - {id: nordics, constraints: [{attribute: country, operator: in, values: [se, "no", dk, fi]}], variant: on}
            - {id: gradual, rollout: {stickiness: userId, percentages: {on: 25, off: 75}}}
        """);
    for (int i = 0; i < 1000; i++) {
      docs.append("---\nkind: Flag\nname: plain-").append(i)
          .append("\nspec: {variants: {on: true, off: false}, defaultVariant: off}\n");
    }
    set = FlagSet.compile(ResourceCodec.readYaml(docs.toString()), new FlagCounters());
    users = new Context[1024];
    for (int i = 0; i < users.length; i++) {
      users[i] = Context.of(Map.of("userId", "user-" + i, "email", "u" + i + "@mail.test", "plan", "free",
          "appVersion", "2.4.1", "country", "de"));
    }
  }

  @Benchmark
  public Evaluation rolloutAfterThreeRules() {
    return set.evaluate("new-checkout", users[next++ & 1023]);
  }

  @Benchmark
  public Evaluation plainFlag() {
    return set.evaluate("plain-500", users[next++ & 1023]);
  }
}
