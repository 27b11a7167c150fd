package dev.ooda.kit.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What a write of a row returns: the row's key (generated columns included) and its new version,
 * the value to give {@code If-Match} for the next conditional write.
 *
 * @param key     the key columns and their values
 * @param version the row's version after the write
 */
public record Written(Map<String, Object> key, @JsonProperty("_version") long version) {
  public Written {
    key = key == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(key));
  }
}
