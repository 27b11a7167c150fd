package dev.ooda.examples.orders;

import java.util.List;

/**
 * One page of a customer's orders, newest first.
 *
 * @param next the token of the next page, or null on the last
 */
public record OrdersPage(List<Order> orders, String next) {}
