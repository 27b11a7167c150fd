package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A feature flag: typed variants, a default, targeting rules tried in order, and a kill switch.
 *
 * <pre>
 * kind: Flag
 * name: new-checkout
 * spec:
 *   owner: team-checkout
 *   description: the one-page checkout
 *   expires: 2025-09-30
 *   type: boolean
 *   variants: {"on": true, "off": false}
 *   defaultVariant: "off"
 *   rules:
 *     - id: staff
 *       constraints: [{attribute: email, operator: ends_with, values: ["@example.com"]}]
 *       variant: "on"
 *     - id: beta
 *       segments: [beta-testers]
 *       variant: "on"
 *     - id: gradual
 *       rollout: {stickiness: userId, percentages: {"on": 10, "off": 90}}
 * </pre>
 *
 * @param owner          the team or service that answers for the flag
 * @param description    what the flag switches, for people
 * @param expires        the date (ISO {@code 2025-09-30}) by which the flag should be gone; past it,
 *                       {@code ooda get flags} shows it as stale
 * @param type           {@code boolean}, {@code string}, {@code number} or {@code json}; every
 *                       variant's value must be of it. When absent: boolean, string or number if
 *                       every value is one, else json
 * @param variants       variant name to value, in the order written
 * @param defaultVariant served when no rule matches, and everywhere while the kill switch is on
 * @param killSwitch     when true, every evaluation serves the default variant (reason DISABLED)
 * @param rules          tried in order; the first whose constraints and segments all match decides
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"owner", "description", "expires", "type", "variants", "defaultVariant", "killSwitch", "rules"})
public record FlagSpec(String owner, String description, String expires, String type, Map<String, JsonNode> variants,
                       String defaultVariant, Boolean killSwitch, List<Rule> rules) implements Spec {

  public static final Kind<FlagSpec> KIND = Kind.of("Flag", "flags", FlagSpec.class, FlagSpec::check);
  public static final List<String> TYPES = List.of("boolean", "string", "number", "json");
  /** The attribute a rollout buckets on when it names none: OpenFeature's targeting key. */
  public static final String TARGETING_KEY = "targetingKey";
  /** Rollouts split 100 % into this many buckets, so percentages may have two decimals. */
  public static final int BUCKETS = 10_000;
  static final int MAX_DESCRIPTION = 300;
  private static final Pattern VARIANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public FlagSpec {
    variants = variants == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variants));
    rules = rules == null ? List.of() : List.copyOf(rules);
    defaultVariant = yamlVariant(defaultVariant, variants.keySet());
    List<Rule> named = new ArrayList<>(rules.size());
    for (Rule r : rules) named.add(r.withVariantsOf(variants.keySet()));
    rules = List.copyOf(named);
  }

  /** The declared type, or the one the variants' values imply. */
  public String effectiveType() {
    if (type != null) return type;
    if (!variants.isEmpty() && variants.values().stream().allMatch(v -> v != null && v.isBoolean())) return "boolean";
    if (!variants.isEmpty() && variants.values().stream().allMatch(v -> v != null && v.isTextual())) return "string";
    if (!variants.isEmpty() && variants.values().stream().allMatch(v -> v != null && v.isNumber())) return "number";
    return "json";
  }

  /**
   * The variant {@code ref} names, reading YAML's bare on/off/yes/no as the variant of that spelling
   * (as {@code defaultVariant} is read); {@code ref} itself when no variant has it.
   */
  public String variantNamed(String ref) {
    return yamlVariant(ref, variants.keySet());
  }

  public boolean killed() {
    return Boolean.TRUE.equals(killSwitch);
  }

  /** The expiry date, or null when none is set (or it is malformed, which validation refuses). */
  public LocalDate expiryDate() {
    try {
      return expires == null ? null : LocalDate.parse(expires);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * One targeting rule: when every constraint and every named segment matches, the flag serves
   * {@code variant}, or the variant that {@code rollout} buckets the caller into.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"id", "segments", "constraints", "variant", "rollout"})
  public record Rule(String id, List<String> segments, List<Constraint> constraints, String variant, Rollout rollout) {
    public Rule {
      segments = segments == null ? List.of() : List.copyOf(segments);
      constraints = constraints == null ? List.of() : List.copyOf(constraints);
    }

    Rule withVariantsOf(Set<String> names) {
      String v = yamlVariant(variant, names);
      Rollout r = rollout == null ? null : rollout.withVariantsOf(names);
      return v == variant && r == rollout ? this : new Rule(id, segments, constraints, v, r);
    }
  }

  /**
   * A gradual rollout: each caller falls into one of 10,000 buckets by a hash of {@code salt} and
   * its {@code stickiness} attribute, and the buckets are split between variants in the order the
   * percentages are written. Raising the first variant's share only adds buckets to it, so every
   * caller who had it keeps it.
   *
   * @param percentages variant to share of callers, 0..100 with at most two decimals, summing to 100
   * @param stickiness  the context attribute that identifies a caller; {@code targetingKey} when absent
   * @param salt        mixed into the hash so that flags bucket independently; the flag's name
   *                    when absent (an experiment sets its own)
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"stickiness", "salt", "percentages"})
  public record Rollout(Map<String, BigDecimal> percentages, String stickiness, String salt) {
    public Rollout {
      percentages = percentages == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(percentages));
    }

    /** The attribute callers are bucketed on. */
    public String effectiveStickiness() {
      return stickiness == null || stickiness.isEmpty() ? TARGETING_KEY : stickiness;
    }

    Rollout withVariantsOf(Set<String> names) {
      Map<String, BigDecimal> p = new LinkedHashMap<>();
      boolean changed = false;
      for (Map.Entry<String, BigDecimal> e : percentages.entrySet()) {
        String k = yamlVariant(e.getKey(), names);
        changed |= !k.equals(e.getKey());
        p.put(k, e.getValue());
      }
      return changed ? new Rollout(p, stickiness, salt) : this;
    }
  }

  /**
   * A condition on one attribute of the evaluation context. A context without the attribute matches
   * only {@code not_in}.
   *
   * @param attribute the context attribute, e.g. {@code userId}, {@code country}, {@code appVersion}
   * @param operator  one of {@link Operator}'s names, e.g. {@code in}, {@code semver_ge}, {@code before}
   * @param values    what the attribute is compared with, as strings (quote YAML's yes/no/on/off)
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"attribute", "operator", "values"})
  public record Constraint(String attribute, String operator, List<String> values) {
    public Constraint {
      values = values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }

    @JsonIgnore
    public Operator op() {
      return Operator.of(operator);
    }
  }

  /** What a constraint can test, and how many values each takes. */
  public enum Operator {
    IN("in", -1), NOT_IN("not_in", -1),
    STARTS_WITH("starts_with", -1), ENDS_WITH("ends_with", -1), CONTAINS("contains", -1),
    SEMVER_EQ("semver_eq", 1), SEMVER_LT("semver_lt", 1), SEMVER_LE("semver_le", 1),
    SEMVER_GT("semver_gt", 1), SEMVER_GE("semver_ge", 1),
    LT("lt", 1), LE("le", 1), GT("gt", 1), GE("ge", 1), BETWEEN("between", 2),
    REGEX("regex", 1),
    BEFORE("before", 1), AFTER("after", 1);

    private final String wire;
    private final int arity;

    Operator(String wire, int arity) {
      this.wire = wire;
      this.arity = arity;
    }

    /** As written in documents, e.g. {@code not_in}. */
    public String wire() {
      return wire;
    }

    public boolean semver() {
      return this.compareTo(SEMVER_EQ) >= 0 && this.compareTo(SEMVER_GE) <= 0;
    }

    public boolean numeric() {
      return this.compareTo(LT) >= 0 && this.compareTo(BETWEEN) <= 0;
    }

    public boolean temporal() {
      return this == BEFORE || this == AFTER;
    }

    /** The operator written {@code name}, or null. */
    public static Operator of(String name) {
      if (name == null) return null;
      for (Operator o : values()) if (o.wire.equals(name)) return o;
      return null;
    }

    public static String known() {
      List<String> out = new ArrayList<>();
      for (Operator o : values()) out.add(o.wire);
      return String.join(", ", out);
    }
  }

  /** A number written in a constraint or a context, or null when {@code s} is not one. */
  public static Double number(String s) {
    if (s == null) return null;
    try {
      double d = Double.parseDouble(s.trim());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A point in time as epoch milliseconds: an ISO instant ({@code 2025-06-01T12:00:00Z}), a date-time
   * with offset, or a date ({@code 2025-06-01}, its start in UTC). Null when {@code s} is none of them.
   */
  public static Long epochMillis(String s) {
    if (s == null) return null;
    String t = s.trim();
    try {
      if (t.length() == 10) return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      if (t.endsWith("Z") || t.endsWith("z")) return Instant.parse(t.toUpperCase(Locale.ROOT)).toEpochMilli();
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * YAML 1.1 reads bare {@code on}, {@code off}, {@code yes}, {@code no} as booleans, and they reach a
   * string field as "true" or "false". Where such a string names no variant but one of those
   * spellings does, it is the variant meant.
   */
  static String yamlVariant(String ref, Set<String> names) {
    if (ref == null || names.contains(ref)) return ref;
    List<String> spellings = switch (ref) {
      case "true" -> List.of("on", "yes", "y", "On", "Yes", "ON", "YES", "True", "TRUE");
      case "false" -> List.of("off", "no", "n", "Off", "No", "OFF", "NO", "False", "FALSE");
      default -> List.of();
    };
    String found = null;
    for (String s : spellings) {
      if (names.contains(s)) {
        if (found != null) return ref; // ambiguous: leave it to validation
        found = s;
      }
    }
    return found == null ? ref : found;
  }

  static void check(FlagSpec s, Violations v) {
    if (s.owner() != null) v.check(!s.owner().isBlank(), "owner", "must not be blank");
    if (s.description() != null)
      v.check(s.description().length() <= MAX_DESCRIPTION, "description", "must be at most " + MAX_DESCRIPTION + " characters");
    if (s.expires() != null)
      v.check(s.expiryDate() != null, "expires", "'" + s.expires() + "' must be a date like 2025-09-30");
    if (s.type() != null && !TYPES.contains(s.type()))
      v.add("type", "'" + s.type() + "' must be one of " + String.join(", ", TYPES));
    if (s.variants().isEmpty()) v.add("variants", "is required: at least one variant, e.g. {\"on\": true, \"off\": false}");
    String type = s.effectiveType();
    for (Map.Entry<String, JsonNode> e : s.variants().entrySet()) {
      String path = "variants." + e.getKey();
      if (!VARIANT.matcher(e.getKey()).matches())
        v.add(path, "variant names are letters, digits, '.', '_' and '-', at most 63");
      JsonNode val = e.getValue();
      boolean ok = val != null && !val.isNull() && switch (type) {
        case "boolean" -> val.isBoolean();
        case "string" -> val.isTextual();
        case "number" -> val.isNumber();
        default -> true;
      };
      if (!ok) v.add(path, "must be a " + type + " value, like the flag's type");
    }
    if (s.defaultVariant() == null) v.add("defaultVariant", "is required (one of the variants)");
    else checkVariant(s, s.defaultVariant(), v, "defaultVariant");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < s.rules().size(); i++) {
      Rule r = s.rules().get(i);
      Violations at = v.at("rules[" + i + "]");
      String bad = Names.problem(r.id());
      if (bad != null) at.add("id", bad);
      else if (!ids.add(r.id())) at.add("id", "'" + r.id() + "' is used by an earlier rule");
      for (int j = 0; j < r.segments().size(); j++) {
        String sb = Names.problem(r.segments().get(j));
        if (sb != null) at.add("segments[" + j + "]", sb);
      }
      checkConstraints(r.constraints(), at);
      if ((r.variant() == null) == (r.rollout() == null)) at.add("", "give either variant or rollout");
      if (r.variant() != null) checkVariant(s, r.variant(), at, "variant");
      if (r.rollout() != null) checkRollout(s, r.rollout(), at.at("rollout"));
    }
  }

  private static void checkVariant(FlagSpec s, String ref, Violations v, String path) {
    if (!s.variants().containsKey(ref))
      v.add(path, "unknown variant '" + ref + "' (variants: " + String.join(", ", s.variants().keySet()) + ")");
  }

  private static void checkRollout(FlagSpec s, Rollout r, Violations v) {
    if (r.percentages().isEmpty()) {
      v.add("percentages", "is required: variant to percentage, e.g. {\"on\": 10, \"off\": 90}");
      return;
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (Map.Entry<String, BigDecimal> e : r.percentages().entrySet()) {
      String path = "percentages." + e.getKey();
      checkVariant(s, e.getKey(), v, path);
      BigDecimal p = e.getValue();
      if (p == null || p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
        v.add(path, "must be a percentage from 0 to 100");
        continue;
      }
      if (p.stripTrailingZeros().scale() > 2) v.add(path, "'" + p.toPlainString() + "' has more than two decimals");
      sum = sum.add(p);
    }
    if (sum.compareTo(BigDecimal.valueOf(100)) != 0)
      v.add("percentages", "must sum to 100, sum to " + sum.stripTrailingZeros().toPlainString());
    if (r.stickiness() != null) v.check(!r.stickiness().isBlank(), "stickiness", "must name a context attribute");
    if (r.salt() != null) v.check(!r.salt().isBlank(), "salt", "must not be blank");
  }

  /** Checks constraints of a rule or a segment. */
  static void checkConstraints(List<Constraint> cs, Violations v) {
    for (int i = 0; i < cs.size(); i++) {
      Constraint c = cs.get(i);
      Violations at = v.at("constraints[" + i + "]");
      if (c.attribute() == null || c.attribute().isBlank()) at.add("attribute", "is required (a context attribute, e.g. userId)");
      Operator op = c.op();
      if (op == null) {
        at.add("operator", c.operator() == null ? "is required (one of " + Operator.known() + ")"
            : "unknown operator '" + c.operator() + "' (known: " + Operator.known() + ")");
        continue;
      }
      int n = c.values().size();
      if (op.arity < 0 && n == 0) {
        at.add("values", "needs at least one value for " + op.wire);
        continue;
      }
      if (op.arity > 0 && n != op.arity) {
        at.add("values", op.wire + " takes " + (op.arity == 1 ? "one value" : "two values (low, high)") + ", has " + n);
        continue;
      }
      for (int j = 0; j < n; j++) {
        String val = c.values().get(j);
        String path = "values[" + j + "]";
        if (val == null) at.add(path, "must not be null");
        else if (op.semver() && SemVer.parse(val) == null) at.add(path, "'" + val + "' is not a semantic version like 1.4.0");
        else if (op.numeric() && number(val) == null) at.add(path, "'" + val + "' is not a number");
        else if (op.temporal() && epochMillis(val) == null)
          at.add(path, "'" + val + "' is not a date (2025-06-01) or an instant (2025-06-01T12:00:00Z)");
        else if (op == Operator.REGEX) {
          try {
            Pattern.compile(val);
          } catch (PatternSyntaxException e) {
            at.add(path, "'" + val + "' is not a regular expression: " + e.getDescription());
          }
        }
      }
      if (op == Operator.BETWEEN && n == 2 && number(c.values().get(0)) != null && number(c.values().get(1)) != null
          && number(c.values().get(0)) > number(c.values().get(1)))
        at.add("values", "between takes the low value first");
    }
  }

  /** Violations for rules that name segments not in {@code known}; checked where segments are known. */
  public static List<String> unknownSegments(FlagSpec s, Set<String> known) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.rules().size(); i++) {
      List<String> segs = s.rules().get(i).segments();
      for (int j = 0; j < segs.size(); j++) {
        if (!known.contains(segs.get(j))) out.add("rules[" + i + "].segments[" + j + "]");
      }
    }
    return out;
  }
}
