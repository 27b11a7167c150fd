package dev.ooda.flags;

import com.fasterxml.jackson.databind.JsonNode;

/** Evaluates flags; the typed reads answer the caller's default when the value is of another type or missing. */
public interface FlagReader {
  /** The answer with its variant, reason and rule id. */
  Evaluation evaluate(String key, Context ctx);

  default boolean booleanValue(String key, Context ctx, boolean defaultValue) {
    return evaluate(key, ctx).value() instanceof Boolean b ? b : defaultValue;
  }

  default String stringValue(String key, Context ctx, String defaultValue) {
    return evaluate(key, ctx).value() instanceof String s ? s : defaultValue;
  }

  default double numberValue(String key, Context ctx, double defaultValue) {
    return evaluate(key, ctx).value() instanceof Number n ? n.doubleValue() : defaultValue;
  }

  default long longValue(String key, Context ctx, long defaultValue) {
    return evaluate(key, ctx).value() instanceof Long n ? n : defaultValue;
  }

  default JsonNode jsonValue(String key, Context ctx, JsonNode defaultValue) {
    return evaluate(key, ctx).value() instanceof JsonNode n ? n : defaultValue;
  }
}
