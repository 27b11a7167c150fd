package dev.ooda.kit.flags;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.flags.Context;
import dev.ooda.flags.Evaluation;
import dev.ooda.flags.Flags;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * ooda's flags behind the OpenFeature API: evaluated in this process like {@link OodaFlags} (span
 * tags included), with PROVIDER_CONFIGURATION_CHANGED emitted, naming the flags, on every change.
 *
 * <pre>{@code
 * OpenFeatureAPI.getInstance().setProviderAndWait(new OodaFlagProvider(kit.flags()));
 * Client client = OpenFeatureAPI.getInstance().getClient();
 * boolean on = client.getBooleanValue("new-checkout", false, new ImmutableContext(userId));
 * }</pre>
 */
public final class OodaFlagProvider extends EventProvider {
  private static final Metadata METADATA = () -> "ooda";

  private final OodaFlags flags;
  private final AutoCloseable changes;

  public OodaFlagProvider(OodaFlags flags) {
    this.flags = flags;
    this.changes = flags.flags().onChange(keys -> emitProviderConfigurationChanged(ProviderEventDetails.builder()
        .flagsChanged(List.copyOf(keys)).message("flags changed: " + String.join(", ", new java.util.TreeSet<>(keys))).build()));
  }

  /** Stops emitting changes; the flags themselves belong to the kit and stay open. */
  @Override
  public void shutdown() {
    try {
      changes.close();
    } catch (Exception impossible) {
      // removing a listener does not fail
    }
    super.shutdown();
  }

  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  /** Waits (up to 10 s) for the first set of flags, so that the first evaluations see them. */
  @Override
  public void initialize(EvaluationContext ctx) throws Exception {
    if (!flags.awaitReady(10, TimeUnit.SECONDS)) {
      org.slf4j.LoggerFactory.getLogger(OodaFlagProvider.class)
          .warn("no flags from the control plane within 10 s; evaluations answer their defaults until they arrive");
    }
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, v -> v instanceof Boolean b ? b : null);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, v -> v instanceof String s ? s : null);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, v -> v instanceof Long l && l == (int) (long) l ? (int) (long) l : null);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, v -> v instanceof Number n ? n.doubleValue() : null);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
    return evaluate(key, defaultValue, ctx, v -> v instanceof JsonNode n ? toValue(n) : null);
  }

  /** {@code convert} gives null when the value is not of the type asked for. */
  private <T> ProviderEvaluation<T> evaluate(String key, T defaultValue, EvaluationContext ctx, Function<Object, T> convert) {
    Evaluation e = flags.evaluate(key, context(ctx));
    ProviderEvaluation.ProviderEvaluationBuilder<T> b = ProviderEvaluation.<T>builder();
    if (e.isError()) {
      return b.value(defaultValue).reason("ERROR").errorCode(ErrorCode.valueOf(e.errorCode().name()))
          .errorMessage(e.message()).build();
    }
    T value = convert.apply(e.value());
    if (value == null) {
      return b.value(defaultValue).reason("ERROR").errorCode(ErrorCode.TYPE_MISMATCH)
          .errorMessage("flag '" + key + "' has " + e.value().getClass().getSimpleName() + " values").build();
    }
    b.value(value).variant(e.variant()).reason(e.reason().name());
    if (e.ruleId() != null) b.flagMetadata(ImmutableMetadata.builder().addString("ruleId", e.ruleId()).build());
    return b.build();
  }

  /** OpenFeature's context as attributes: the targeting key, and every other value as text. */
  static Context context(EvaluationContext ctx) {
    if (ctx == null) return Context.EMPTY;
    return attribute -> {
      if (dev.ooda.model.FlagSpec.TARGETING_KEY.equals(attribute)) return ctx.getTargetingKey();
      Value v = ctx.getValue(attribute);
      if (v == null || v.isNull()) return null;
      if (v.isString()) return v.asString();
      if (v.isInstant()) {
        Instant i = v.asInstant();
        return i.toString();
      }
      Object o = v.asObject();
      return o == null ? null : o.toString();
    };
  }

  static Value toValue(JsonNode n) {
    if (n.isObject()) {
      Map<String, Value> m = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), toValue(e.getValue()));
      }
      return new Value(new MutableStructure(m));
    }
    if (n.isArray()) {
      List<Value> l = new ArrayList<>();
      n.forEach(x -> l.add(toValue(x)));
      return new Value(l);
    }
    if (n.isBoolean()) return new Value(n.booleanValue());
    if (n.isInt()) return new Value(n.intValue());
    if (n.isNumber()) return new Value(n.doubleValue());
    if (n.isTextual()) return new Value(n.textValue());
    return new Value();
  }
}
