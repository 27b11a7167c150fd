package dev.ooda.flags;

import java.util.HashMap;
import java.util.Map;

/**
 * What an evaluation knows about the caller: attributes by name (user id, country, app version,
 * ...), each as a string. {@code targetingKey} is OpenFeature's name for the caller's id, and the
 * attribute rollouts stick to unless a flag names another.
 */
@FunctionalInterface
public interface Context {
  /** The attribute's value, or null when the context has none. */
  String get(String attribute);

  Context EMPTY = a -> null;

  /** A context of {@code attributes}, copied; null values count as absent. */
  static Context of(Map<String, String> attributes) {
    Map<String, String> copy = new HashMap<>();
    attributes.forEach((k, v) -> {
      if (k != null && v != null) copy.put(k, v);
    });
    return Map.copyOf(copy)::get;
  }

  /** A context of name/value pairs: {@code Context.of("userId", "42", "country", "de")}. */
  static Context of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("names and values come in pairs");
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) m.put(namesAndValues[i], namesAndValues[i + 1]);
    return of(m);
  }
}
