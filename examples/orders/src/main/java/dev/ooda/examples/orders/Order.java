package dev.ooda.examples.orders;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.math.BigDecimal;

/**
 * An order as the API shows it.
 *
 * @param version the row's version: give it back to cancel only the order as it was seen
 */
public record Order(long id, String customer, BigDecimal total, String status, @JsonAlias("_version") long version) {
  public static final String OPEN = "open";
  public static final String CANCELLED = "cancelled";
}
