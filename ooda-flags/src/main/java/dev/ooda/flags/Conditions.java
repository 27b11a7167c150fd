package dev.ooda.flags;

import dev.ooda.model.FlagSpec;
import dev.ooda.model.FlagSpec.Constraint;
import dev.ooda.model.FlagSpec.Operator;
import dev.ooda.model.SemVer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Constraints compiled once into tests on a context: values parsed, sets built, patterns compiled. */
final class Conditions {
  /** The attribute that, when a context lacks it, means "now" for before/after. */
  static final String CURRENT_TIME = "currentTime";

  private Conditions() {}

  @FunctionalInterface
  interface Condition {
    boolean test(Context ctx);
  }

  static final Condition NEVER = ctx -> false;

  static Condition compile(Constraint c) {
    String a = c.attribute();
    List<String> vs = c.values();
    Operator op = c.op();
    return switch (op) {
      case IN -> {
        Set<String> set = new HashSet<>(vs);
        yield ctx -> {
          String v = ctx.get(a);
          return v != null && set.contains(v);
        };
      }
      case NOT_IN -> {
        Set<String> set = new HashSet<>(vs);
        yield ctx -> {
          String v = ctx.get(a);
          return v == null || !set.contains(v);
        };
      }
      case STARTS_WITH, ENDS_WITH, CONTAINS -> {
        String[] arr = vs.toArray(new String[0]);
        yield ctx -> {
          String v = ctx.get(a);
          if (v == null) return false;
          for (String x : arr) {
            boolean hit = op == Operator.STARTS_WITH ? v.startsWith(x) : op == Operator.ENDS_WITH ? v.endsWith(x) : v.contains(x);
            if (hit) return true;
          }
          return false;
        };
      }
      case SEMVER_EQ, SEMVER_LT, SEMVER_LE, SEMVER_GT, SEMVER_GE -> {
        SemVer target = SemVer.parse(vs.get(0));
        yield ctx -> {
          SemVer v = SemVer.parse(ctx.get(a));
          return v != null && holds(op, v.compareTo(target));
        };
      }
      case LT, LE, GT, GE -> {
        double target = FlagSpec.number(vs.get(0));
        yield ctx -> {
          double v = number(ctx.get(a));
          return !Double.isNaN(v) && holds(op, Double.compare(v, target));
        };
      }
      case BETWEEN -> {
        double lo = FlagSpec.number(vs.get(0));
        double hi = FlagSpec.number(vs.get(1));
        yield ctx -> {
          double v = number(ctx.get(a));
          return v >= lo && v <= hi;
        };
      }
      case REGEX -> {
        Pattern p = Pattern.compile(vs.get(0));
        yield ctx -> {
          String v = ctx.get(a);
          return v != null && p.matcher(v).find();
        };
      }
      case BEFORE, AFTER -> {
        long target = FlagSpec.epochMillis(vs.get(0));
        boolean now = CURRENT_TIME.equals(a);
        yield ctx -> {
          String v = ctx.get(a);
          Long t = v == null ? (now ? Long.valueOf(System.currentTimeMillis()) : null) : FlagSpec.epochMillis(v);
          return t != null && (op == Operator.BEFORE ? t < target : t > target);
        };
      }
    };
  }

  /** All of {@code cs}: true for none. */
  static Condition all(List<Condition> cs) {
    if (cs.isEmpty()) return ctx -> true;
    if (cs.size() == 1) return cs.get(0);
    Condition[] arr = cs.toArray(new Condition[0]);
    return ctx -> {
      for (Condition c : arr) if (!c.test(ctx)) return false;
      return true;
    };
  }

  private static boolean holds(Operator op, int cmp) {
    return switch (op) {
      case SEMVER_EQ -> cmp == 0;
      case SEMVER_LT, LT -> cmp < 0;
      case SEMVER_LE, LE -> cmp <= 0;
      case SEMVER_GT, GT -> cmp > 0;
      case SEMVER_GE, GE -> cmp >= 0;
      default -> false;
    };
  }

  private static double number(String s) {
    if (s == null || s.isEmpty()) return Double.NaN;
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
