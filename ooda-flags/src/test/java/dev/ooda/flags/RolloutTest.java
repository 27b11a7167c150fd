package dev.ooda.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.ResourceCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutTest {
  private static final int USERS = 20_000;
  private final FlagCounters counters = new FlagCounters();

  private FlagSet rollout(String name, String percentages, String extra) {
    return FlagSet.compile(ResourceCodec.readYaml("""
        kind: Flag
        name: %s
        spec:
          variants: {on: true, off: false}
          defaultVariant: off
          rules: [{id: gradual, rollout: {stickiness: userId, %s percentages: %s}}]
        """.formatted(name, extra, percentages)), counters);
  }

  private static Set<String> usersWith(FlagSet s, String flag, boolean value) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < USERS; i++) {
      String id = "user-" + i;
      if (s.evaluate(flag, Context.of("userId", id)).value().equals(value)) out.add(id);
    }
    return out;
  }

  @Test
  void murmur3MatchesPublishedVectors() {
    assertThat(Murmur3.hash32("", 0)).isZero();
    assertThat(Murmur3.hash32("", 1)).isEqualTo(0x514E28B7);
    assertThat(Murmur3.hash32("hello", 0)).isEqualTo(0x248bfa47);
    assertThat(Murmur3.hash32("The quick brown fox jumps over the lazy dog", 0)).isEqualTo(0x2e4ff723);
    // the joined form hashes the same bytes as the string it stands for, non-ASCII included
    for (String unit : new String[] {"u-1", "ünïcødé", "\uD83D\uDE00 emoji", ""}) {
      assertThat(Murmur3.hash32("salt", unit, 0)).isEqualTo(Murmur3.hash32("salt:" + unit, 0));
      byte[] b = ("salt:" + unit).getBytes(StandardCharsets.UTF_8);
      assertThat(Murmur3.hash32(b, 0, b.length, 0)).isEqualTo(Murmur3.hash32("salt:" + unit, 0));
    }
  }

  @Test
  void growingAPercentageKeepsEveryUserWhoHadTheVariant() {
    Set<String> at10 = usersWith(rollout("new-checkout", "{on: 10, off: 90}", ""), "new-checkout", true);
    Set<String> at50 = usersWith(rollout("new-checkout", "{on: 50, off: 50}", ""), "new-checkout", true);
    Set<String> at100 = usersWith(rollout("new-checkout", "{on: 100, off: 0}", ""), "new-checkout", true);
    assertThat(at50).containsAll(at10);
    assertThat(at100).containsAll(at50).hasSize(USERS);
    // within 1.5 points of the target over 20,000 ids
    assertThat(at10.size()).isBetween(1700, 2300);
    assertThat(at50.size()).isBetween(9700, 10300);
  }

  @Test
  void splitsFollowThePercentagesAcrossVariants() {
    FlagSet s = FlagSet.compile(ResourceCodec.readYaml("""
        kind: Flag
        name: colour
        spec:
          variants: {red: "#f00", green: "#0f0", blue: "#00f"}
          defaultVariant: red
          rules: [{id: split, rollout: {percentages: {red: 20, green: 30.5, blue: 49.5}}}]
        """), counters);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < USERS; i++) {
      Evaluation e = s.evaluate("colour", Context.of("targetingKey", "id-" + i));
      assertThat(e.reason()).isEqualTo(Reason.SPLIT);
      assertThat(e.ruleId()).isEqualTo("split");
      seen.merge(e.variant(), 1, Integer::sum);
    }
    assertThat(seen.get("red")).isBetween(3700, 4300);
    assertThat(seen.get("green")).isBetween(5800, 6400);
    assertThat(seen.get("blue")).isBetween(9600, 10200);
  }

  @Test
  void theSameUserKeepsItsVariantAndFlagsBucketIndependently() {
    FlagSet a = rollout("flag-a", "{on: 50, off: 50}", "");
    FlagSet b = rollout("flag-b", "{on: 50, off: 50}", "");
    Set<String> inA = usersWith(a, "flag-a", true);
    assertThat(usersWith(a, "flag-a", true)).isEqualTo(inA);
    Set<String> inBoth = new HashSet<>(inA);
    inBoth.retainAll(usersWith(b, "flag-b", true));
    // independent halves overlap in about a quarter of users, not half
    assertThat(inBoth.size()).isBetween(4600, 5400);
    // the same salt buckets the same users, whatever the flag is called
    FlagSet c = rollout("flag-c", "{on: 50, off: 50}", "salt: flag-a,");
    assertThat(usersWith(c, "flag-c", true)).isEqualTo(inA);
  }

  @Test
  void aCallerWithoutTheStickinessAttributeFallsThrough() {
    FlagSet s = rollout("f", "{on: 100, off: 0}", "");
    Evaluation e = s.evaluate("f", Context.of("targetingKey", "someone"));
    assertThat(e.reason()).isEqualTo(Reason.DEFAULT);
    assertThat(e.value()).isEqualTo(false);
  }
}
