package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";
  static final String TP = "00-" + TRACE + "-" + SPAN + "-01";

  @Test
  void readsTraceparent() {
    assertThat(TraceHeaders.traceparent(TP)).isEqualTo(new TraceHeaders(TRACE, SPAN, null, true));
    assertThat(TraceHeaders.traceparent("00-" + TRACE + "-" + SPAN + "-00").sampled()).isFalse();
    // only the sampled bit of the flags counts
    assertThat(TraceHeaders.traceparent("00-" + TRACE + "-" + SPAN + "-03").sampled()).isTrue();
    assertThat(TraceHeaders.traceparent("00-" + TRACE + "-" + SPAN + "-02").sampled()).isFalse();
  }

  @Test
  void readsAnyCharSequence() {
    StringBuilder sb = new StringBuilder(TP);
    assertThat(TraceHeaders.traceparent(sb)).isEqualTo(new TraceHeaders(TRACE, SPAN, null, true));
    assertThat(TraceHeaders.b3(new StringBuilder(TRACE + "-" + SPAN))).isEqualTo(new TraceHeaders(TRACE, SPAN, null, null));
  }

  @Test
  void aLaterTraceparentVersionMayAppendFields() {
    assertThat(TraceHeaders.traceparent("01-" + TRACE + "-" + SPAN + "-01")).isNotNull();
    assertThat(TraceHeaders.traceparent("cc-" + TRACE + "-" + SPAN + "-01-what-comes-next"))
        .isEqualTo(new TraceHeaders(TRACE, SPAN, null, true));
    assertThat(TraceHeaders.traceparent("cc-" + TRACE + "-" + SPAN + "-01x")).isNull();
  }

  @Test
  void refusesMalformedTraceparent() {
    String[] bad = {
        "",
        "00",
        "ff-" + TRACE + "-" + SPAN + "-01", // version ff is invalid
        "0g-" + TRACE + "-" + SPAN + "-01", // version not hex
        "00-" + TRACE + "-" + SPAN + "-01-extra", // version 00 is exactly 55 characters
        "00-" + TRACE + "-" + SPAN, // no flags
        "00-" + TRACE + "-" + SPAN + "-1", // short flags
        "00-" + TRACE + "-" + SPAN + "-0g", // flags not hex
        "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01", // upper case
        "00-" + TRACE + "-" + SPAN.toUpperCase() + "-01",
        "00-00000000000000000000000000000000-" + SPAN + "-01", // all-zero trace id
        "00-" + TRACE + "-0000000000000000-01", // all-zero parent id
        "00-" + TRACE.substring(1) + "-0" + SPAN + "-01", // misplaced dash
        "00_" + TRACE + "-" + SPAN + "-01",
        "00-" + TRACE + "_" + SPAN + "-01",
        "00-" + TRACE + "-" + SPAN + "_01",
        "00-" + TRACE.substring(0, 31) + "z-" + SPAN + "-01",
        " 00-" + TRACE + "-" + SPAN + "-0",
    };
    for (String v : bad) assertThat(TraceHeaders.traceparent(v)).as(v).isNull();
    assertThat(TraceHeaders.traceparent(null)).isNull();
  }

  @Test
  void readsSingleB3() {
    assertThat(TraceHeaders.b3(TRACE + "-" + SPAN)).isEqualTo(new TraceHeaders(TRACE, SPAN, null, null));
    assertThat(TraceHeaders.b3(TRACE + "-" + SPAN + "-1")).isEqualTo(new TraceHeaders(TRACE, SPAN, null, true));
    assertThat(TraceHeaders.b3(TRACE + "-" + SPAN + "-d")).isEqualTo(new TraceHeaders(TRACE, SPAN, null, true));
    assertThat(TraceHeaders.b3(TRACE + "-" + SPAN + "-0")).isEqualTo(new TraceHeaders(TRACE, SPAN, null, false));
    assertThat(TraceHeaders.b3(TRACE + "-" + SPAN + "-1-05e3ac9a4f6e3b90"))
        .isEqualTo(new TraceHeaders(TRACE, SPAN, "05e3ac9a4f6e3b90", true));
    // a 64-bit trace id stays as sent
    assertThat(TraceHeaders.b3("a3ce929d0e0e4736-" + SPAN + "-1")).isEqualTo(new TraceHeaders("a3ce929d0e0e4736", SPAN, null, true));
  }

  @Test
  void aSingleB3MayCarryOnlyTheDecision() {
    assertThat(TraceHeaders.b3("0")).isEqualTo(new TraceHeaders(null, null, null, false));
    assertThat(TraceHeaders.b3("1")).isEqualTo(new TraceHeaders(null, null, null, true));
    assertThat(TraceHeaders.b3("d")).isEqualTo(new TraceHeaders(null, null, null, true));
    assertThat(TraceHeaders.b3("x")).isNull();
  }

  @Test
  void refusesMalformedSingleB3() {
    String[] bad = {
        "",
        "10",
        TRACE,
        TRACE + "-",
        TRACE + "-" + SPAN.substring(1),
        TRACE + "-" + SPAN + "0",
        TRACE + "-" + SPAN + "-",
        TRACE + "-" + SPAN + "-2",
        TRACE + "-" + SPAN + "-11",
        TRACE + "-" + SPAN + "-1-",
        TRACE + "-" + SPAN + "-1-05e3ac9a4f6e3b9",
        TRACE + "-" + SPAN + "-1-05e3ac9a4f6e3b900",
        TRACE + "-" + SPAN + "-1-0000000000000000",
        TRACE + "-" + SPAN + "-1_05e3ac9a4f6e3b90",
        TRACE.substring(0, 20) + "-" + SPAN, // 80-bit trace id
        TRACE.toUpperCase() + "-" + SPAN,
        "00000000000000000000000000000000-" + SPAN,
        TRACE + "-0000000000000000",
        TRACE + "_" + SPAN,
    };
    for (String v : bad) assertThat(TraceHeaders.b3(v)).as(v).isNull();
    assertThat(TraceHeaders.b3((CharSequence) null)).isNull();
  }

  @Test
  void readsMultiB3() {
    assertThat(TraceHeaders.b3(TRACE, SPAN, null, null, null)).isEqualTo(new TraceHeaders(TRACE, SPAN, null, null));
    assertThat(TraceHeaders.b3("a3ce929d0e0e4736", SPAN, "05e3ac9a4f6e3b90", "1", null))
        .isEqualTo(new TraceHeaders("a3ce929d0e0e4736", SPAN, "05e3ac9a4f6e3b90", true));
    assertThat(TraceHeaders.b3(TRACE, SPAN, null, "0", null).sampled()).isFalse();
    assertThat(TraceHeaders.b3(TRACE, SPAN, null, "true", null).sampled()).isTrue();
    assertThat(TraceHeaders.b3(TRACE, SPAN, null, "False", null).sampled()).isFalse();
    // debug samples, whatever X-B3-Sampled says
    assertThat(TraceHeaders.b3(TRACE, SPAN, null, "0", "1").sampled()).isTrue();
    assertThat(TraceHeaders.b3(TRACE, SPAN, null, "maybe", null).sampled()).isNull();
  }

  @Test
  void multiB3WithoutIdsMayCarryOnlyTheDecision() {
    assertThat(TraceHeaders.b3(null, null, null, "0", null)).isEqualTo(new TraceHeaders(null, null, null, false));
    assertThat(TraceHeaders.b3(null, null, null, null, "1")).isEqualTo(new TraceHeaders(null, null, null, true));
    assertThat(TraceHeaders.b3(null, null, null, null, null)).isNull();
  }

  @Test
  void refusesMalformedMultiB3() {
    assertThat(TraceHeaders.b3(TRACE, null, null, "1", null)).isNull();
    assertThat(TraceHeaders.b3(null, SPAN, null, "1", null)).isNull();
    assertThat(TraceHeaders.b3(TRACE.substring(1), SPAN, null, null, null)).isNull();
    assertThat(TraceHeaders.b3(TRACE, SPAN + "0", null, null, null)).isNull();
    assertThat(TraceHeaders.b3(TRACE.toUpperCase(), SPAN, null, null, null)).isNull();
    assertThat(TraceHeaders.b3("0000000000000000", SPAN, null, null, null)).isNull();
    assertThat(TraceHeaders.b3(TRACE, "0000000000000000", null, null, null)).isNull();
    assertThat(TraceHeaders.b3(TRACE, SPAN, "05e3ac9a4f6e3b9", null, null)).isNull();
    assertThat(TraceHeaders.b3(TRACE, SPAN, "0000000000000000", null, null)).isNull();
    assertThat(TraceHeaders.b3("", "", null, null, null)).isNull();
  }

  @Test
  void prefersTraceparentThenSingleThenMultiB3() {
    Map<String, String> h = new HashMap<>();
    assertThat(TraceHeaders.parse(h::get)).isNull();
    h.put("x-b3-traceid", "a3ce929d0e0e4736");
    h.put("x-b3-spanid", "05e3ac9a4f6e3b90");
    assertThat(TraceHeaders.parse(h::get).traceId()).isEqualTo("a3ce929d0e0e4736");
    h.put("b3", TRACE + "-" + "1111111111111111-0");
    assertThat(TraceHeaders.parse(h::get)).isEqualTo(new TraceHeaders(TRACE, "1111111111111111", null, false));
    h.put("traceparent", TP);
    assertThat(TraceHeaders.parse(h::get)).isEqualTo(new TraceHeaders(TRACE, SPAN, null, true));
    // a malformed header gives way to the next
    h.put("traceparent", "00-" + TRACE + "-0000000000000000-01");
    assertThat(TraceHeaders.parse(h::get).spanId()).isEqualTo("1111111111111111");
    h.put("b3", "nonsense");
    assertThat(TraceHeaders.parse(h::get).spanId()).isEqualTo("05e3ac9a4f6e3b90");
  }
}
