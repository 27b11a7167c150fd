package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.FlagSpec;
import dev.ooda.model.ResourceCodec;
import dev.ooda.testing.TestControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ooda flags eval} and {@code ooda get flags} as a user runs them. */
class FlagsCliTest {
  static TestControl t;
  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static UpTest.Result ooda(String... args) {
    return oodaAt(t, args);
  }

  /** Runs {@code ooda ARGS} against {@code t}'s control plane with its admin token. */
  static UpTest.Result oodaAt(TestControl t, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server=" + t.control.url();
    all[args.length + 1] = "--token=" + t.adminToken();
    return UpTest.ooda(null, all);
  }

  @Test
  void evalPrintsValueVariantReasonAndRule() throws Exception {
    Path f = work.resolve("flags.yaml");
    Files.writeString(f, """
        kind: Flag
        name: new-checkout
        spec:
          owner: team-checkout
          expires: 2020-01-31
          variants: {on: true, off: false}
          defaultVariant: off
          rules:
            - {id: germany, constraints: [{attribute: country, operator: in, values: [de]}], variant: on}
            - {id: gradual, rollout: {percentages: {on: 10, off: 90}}}
        ---
        kind: Flag
        name: banner
        spec: {owner: team-web, expires: 2999-12-31, variants: {plain: Welcome}, defaultVariant: plain}
        """);
    UpTest.Result applied = ooda("apply", "-f", f.toString());
    assertThat(applied.code()).as(applied.err()).isZero();

    UpTest.Result de = ooda("flags", "eval", "new-checkout", "--context", "country=de", "-c", "targetingKey=u-1");
    assertThat(de.code()).as(de.err()).isZero();
    assertThat(de.out()).contains("value:   true", "variant: on", "reason:  TARGETING_MATCH", "rule:    germany");
    UpTest.Result split = ooda("flags", "eval", "new-checkout", "-c", "targetingKey=u-1");
    assertThat(split.out()).contains("reason:  SPLIT", "rule:    gradual");
    UpTest.Result json = ooda("flags", "eval", "banner", "-o", "json");
    assertThat(json.out()).contains("\"value\" : \"Welcome\"", "\"reason\" : \"DEFAULT\"");
    UpTest.Result missing = ooda("flags", "eval", "nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("FLAG_NOT_FOUND");
    assertThat(ooda("flags", "eval", "banner", "-c", "oops").err()).contains("must be NAME=VALUE");

    UpTest.Result table = ooda("get", "flags");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).containsPattern("NAME +OWNER +TYPE +DEFAULT +RULES +EXPIRES +STALE")
        .containsPattern("new-checkout +team-checkout +boolean +off +2 +2020-01-31 +expired 2020-01-31")
        .containsPattern("banner +team-web +string +plain +0 +2999-12-31 +no");
  }

  @Test
  void staleWhenPastExpiryOrUnusedForLong() {
    FlagSpec spec = ResourceCodec.readYaml("kind: Flag\nname: f\nspec: {expires: 2025-06-30, variants: {a: 1}, defaultVariant: a}\n")
        .get(0).spec(FlagSpec.class);
    Instant now = Instant.parse("2025-06-15T00:00:00Z");
    LocalDate today = LocalDate.parse("2025-06-15");
    assertThat(FlagTable.stale(spec, null, today, now, 30)).isEqualTo("no");
    assertThat(FlagTable.stale(spec, now.minusSeconds(86_400 * 40), today, now, 30)).isEqualTo("unused 40d");
    assertThat(FlagTable.stale(spec, now.minusSeconds(86_400 * 2), today, now, 30)).isEqualTo("no");
    assertThat(FlagTable.stale(spec, null, LocalDate.parse("2025-07-01"), now, 30)).isEqualTo("expired 2025-06-30");
  }
}
