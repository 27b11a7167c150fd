package dev.ooda.kit.flags;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.ooda.flags.Context;
import dev.ooda.flags.Evaluation;
import dev.ooda.flags.Flags;
import dev.ooda.flags.Reason;
import dev.ooda.kit.Kit;
import dev.ooda.model.ResourceCodec;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KitFlagsTest {
  static TestControl t;

  static final String FLAG = """
      kind: Flag
      name: new-checkout
      spec:
        owner: team-checkout
        variants: {on: true, off: false}
        defaultVariant: off
        rules:
          - {id: staff, segments: [staff], variant: on}
          - {id: gradual, rollout: {stickiness: userId, percentages: {on: %d, off: %d}}}
      """;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    t.client().apply("""
        kind: Segment
        name: staff
        spec: {constraints: [{attribute: email, operator: ends_with, values: ["@example.com"]}]}
        ---
        """ + FLAG.formatted(10, 90));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @Test
  void evaluatesLocallyAndFollowsChanges() throws Exception {
    try (Kit kit = Kit.builder("checkout").controlPlane(t.control.url()).start()) {
      assertThat(kit.flags().awaitReady(10, TimeUnit.SECONDS)).isTrue();
      Evaluation staff = kit.flags().evaluate("new-checkout", Context.of("userId", "u-1", "email", "ann@example.com"));
      assertThat(staff.value()).isEqualTo(true);
      assertThat(staff.reason()).isEqualTo(Reason.TARGETING_MATCH);
      assertThat(staff.ruleId()).isEqualTo("staff");
      assertThat(kit.flags().booleanValue("no-such-flag", Context.EMPTY, true)).isTrue();
      assertThat(kit.flags().stringValue("new-checkout", Context.EMPTY, "typed default")).isEqualTo("typed default");

      long onAt10 = countOn(kit);
      t.client().apply(FLAG.formatted(50, 50));
      Eventually.within(Duration.ofSeconds(5), () -> assertThat(countOn(kit)).isGreaterThan(onAt10 * 3));

      t.client().apply("kind: Segment\nname: staff\nspec: {constraints: [{attribute: email, operator: ends_with, values: [\"@example.org\"]}]}\n");
      Eventually.within(Duration.ofSeconds(5), () -> assertThat(kit.flags()
          .evaluate("new-checkout", Context.of("userId", "u-1", "email", "ann@example.org")).ruleId()).isEqualTo("staff"));
      assertThat(kit.flags().usage()).anySatisfy(u -> assertThat(u.flag()).isEqualTo("new-checkout"));
      assertThat(kit.meters().scrape()).containsPattern("ooda_flag_evaluations_total\\{flag=\"new-checkout\",variant=\"on\"\\} [1-9]");
    }
  }

  private static long countOn(Kit kit) {
    long on = 0;
    for (int i = 0; i < 2000; i++) {
      if (kit.flags().booleanValue("new-checkout", Context.of("userId", "user-" + i), false)) on++;
    }
    return on;
  }

  @Test
  void keepsTheLastSetWhenTheControlPlaneIsAway() throws Exception {
    TestControl own = TestControl.start();
    own.client().apply("kind: Flag\nname: banner\nspec: {variants: {plain: Welcome, sale: Sale}, defaultVariant: sale}\n");
    try (Kit kit = Kit.builder("web").controlPlane(own.control.url()).start()) {
      assertThat(kit.flags().awaitReady(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kit.flags().stringValue("banner", Context.EMPTY, "none")).isEqualTo("Sale");
      own.close();
      assertThat(kit.flags().stringValue("banner", Context.EMPTY, "none")).isEqualTo("Sale");
    }
  }

  @Test
  void tagsTheCurrentSpanWithTheVariant() {
    List<MutableSpan> spans = new CopyOnWriteArrayList<>();
    try (Tracing tracing = Tracing.newBuilder().addSpanHandler(new SpanHandler() {
      @Override
      public boolean end(TraceContext context, MutableSpan span, Cause cause) {
        spans.add(span);
        return true;
      }
    }).build()) {
      Flags f = new Flags();
      f.update(ResourceCodec.readYaml(FLAG.formatted(100, 0) + "---\nkind: Segment\nname: staff\nspec: {constraints: [{attribute: email, operator: in, values: [x]}]}\n"));
      OodaFlags flags = OodaFlags.of(f, tracing);
      flags.booleanValue("new-checkout", Context.of("userId", "u"), false); // no span: nothing to tag
      brave.ScopedSpan span = tracing.tracer().startScopedSpan("checkout");
      try {
        flags.booleanValue("new-checkout", Context.of("userId", "u"), false);
      } finally {
        span.finish();
      }
    }
    assertThat(spans).singleElement().satisfies(s -> assertThat(s.tags()).containsEntry("ooda.flag.new-checkout", "on"));
  }
}
