package dev.ooda.examples.orders;

import java.math.BigDecimal;

/** What a caller sends to create an order. */
public record NewOrder(String customer, BigDecimal total) {}
