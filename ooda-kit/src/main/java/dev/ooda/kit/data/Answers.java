package dev.ooda.kit.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data service's answers as the kit's codec reads them, and the generic types to read them as:
 * made once per value type and kept, so that a call only looks them up.
 */
final class Answers {
  private Answers() {}

  record ItemAnswer<T>(String id, String key, T value, String expiresAt) {}

  record RecordAnswer<T>(String id, LinkedHashMap<String, T> items, String next) {}

  record ScanAnswer<T>(List<RecordAnswer<T>> records, String next) {}

  record RowsAnswer<T>(List<T> rows, String next) {}

  record BulkAnswer(int inserted, List<Written> rows) {}

  record EventAnswer<T>(String ts, String prefix, long id, T value) {}

  record EventsAnswer<T>(List<EventAnswer<T>> events, String next) {}

  record BatchAnswer(List<Batch.Result> results) {}

  record Dropped(int deleted) {}

  static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  static final ClassValue<TypeReference<?>> ITEM = wrapping(ItemAnswer.class);
  static final ClassValue<TypeReference<?>> RECORD = wrapping(RecordAnswer.class);
  static final ClassValue<TypeReference<?>> SCAN = wrapping(ScanAnswer.class);
  static final ClassValue<TypeReference<?>> ROWS = wrapping(RowsAnswer.class);
  static final ClassValue<TypeReference<?>> EVENTS = wrapping(EventsAnswer.class);

  /** The answer type {@code wrapper<value>}, e.g. {@code type(ROWS, Order.class)} for {@code RowsAnswer<Order>}. */
  @SuppressWarnings("unchecked")
  static <W> TypeReference<W> type(ClassValue<TypeReference<?>> wrapper, Class<?> value) {
    return (TypeReference<W>) wrapper.get(value);
  }

  /** {@code wrapper<V>} for each value class {@code V}, made on first use. */
  private static ClassValue<TypeReference<?>> wrapping(Class<?> wrapper) {
    return new ClassValue<>() {
      @Override
      protected TypeReference<?> computeValue(Class<?> value) {
        return new Typed<>(TypeFactory.defaultInstance().constructParametricType(wrapper, value));
      }
    };
  }

  /** A type reference to a type built at run time, as the kit's {@code Call.as(TypeReference)} takes it. */
  private static final class Typed<T> extends TypeReference<T> {
    private final JavaType type;

    Typed(JavaType type) {
      this.type = type;
    }

    @Override
    public Type getType() {
      return type;
    }
  }
}
