package dev.ooda.model;

import java.util.function.Function;

/**
 * A kind of resource. Adding a kind is a spec record, a validator and one line in {@link Kinds}.
 *
 * @param name      as written in documents, e.g. {@code Route}
 * @param plural    as written in URLs and on the command line, e.g. {@code routes}
 * @param specType  the record documents bind to
 * @param validator checks one spec
 * @param uniqueKey when not null, two resources of this kind whose keys are equal clash and the
 *                  later one is refused; the key's {@code toString()} appears in the error
 * @param keyPath   the field path the unique key is read from, e.g. {@code spec.match}
 */
public record Kind<S extends Spec>(
    String name, String plural, Class<S> specType, Validator<S> validator, Function<S, ?> uniqueKey, String keyPath) {

  public static <S extends Spec> Kind<S> of(String name, String plural, Class<S> type, Validator<S> validator) {
    return new Kind<>(name, plural, type, validator, null, null);
  }

  public Kind<S> withUniqueKey(String path, Function<S, ?> key) {
    return new Kind<>(name, plural, specType, validator, key, path);
  }

  public void validate(Spec spec, Violations violations) {
    validator.validate(specType.cast(spec), violations.at("spec"));
  }

  /** The clash key of {@code spec}, or null when this kind has none. */
  public Object keyOf(Spec spec) {
    return uniqueKey == null ? null : uniqueKey.apply(specType.cast(spec));
  }
}
