package dev.ooda.flags;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Evaluation counts per flag and variant, with the time of the last one. They outlive the flag
 * sets that are compiled against them, so a change to a flag does not reset its counts.
 */
public final class FlagCounters {
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /** One flag's variant. Compiled flags hold these directly: counting is a field access, no lookup. */
  static final class Counter {
    private final LongAdder count = new LongAdder();
    // Seconds, written at most once a second per variant, so hot flags do not fight over one line.
    private volatile long lastSecond;

    void hit() {
      count.increment();
      long now = System.currentTimeMillis() / 1000;
      if (now != lastSecond) lastSecond = now;
    }
  }

  Counter counter(String flag, String variant) {
    return counters.computeIfAbsent(flag + '\u0000' + variant, k -> new Counter());
  }

  /** The live count of one flag's variant (made on first use), for a metrics registry to read. */
  public java.util.function.LongSupplier count(String flag, String variant) {
    Counter c = counter(flag, variant);
    return c.count::sum;
  }

  /**
   * The counts in Prometheus text, as {@code ooda_flag_evaluations_total{flag,variant}}: for a
   * process that serves its metrics without a Micrometer registry of flags (the gateway).
   */
  public String prometheus() {
    StringBuilder sb = new StringBuilder("# TYPE ooda_flag_evaluations_total counter\n");
    for (FlagUsage u : usage()) {
      sb.append("ooda_flag_evaluations_total{flag=\"").append(u.flag()).append("\",variant=\"").append(u.variant())
          .append("\"} ").append(u.count()).append('\n');
    }
    return sb.toString();
  }

  /** Every count so far, by flag then variant. */
  public List<FlagUsage> usage() {
    List<FlagUsage> out = new ArrayList<>();
    counters.forEach((k, c) -> {
      int cut = k.indexOf('\u0000');
      long last = c.lastSecond;
      out.add(new FlagUsage(k.substring(0, cut), k.substring(cut + 1), c.count.sum(), last == 0 ? null : Instant.ofEpochSecond(last)));
    });
    out.sort(Comparator.comparing(FlagUsage::flag).thenComparing(FlagUsage::variant));
    return out;
  }
}
