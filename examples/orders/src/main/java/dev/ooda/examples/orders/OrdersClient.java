package dev.ooda.examples.orders;

import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.RemoteProblemException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The orders service's typed client, shipped with its API. Errors are the kit's
 * {@link RemoteProblemException}s with the service's problem: 400 (the field's path in
 * {@code problem().errors()}), 404, 412 when a cancel's version is stale.
 */
public final class OrdersClient {
  public static final String SERVICE = "orders";

  private final OodaClient client;

  public OrdersClient(Kit kit) {
    this.client = kit.client(SERVICE);
  }

  /** Creates an order once, however often the kit retries the call. */
  public Order create(NewOrder order) {
    return create(order, UUID.randomUUID().toString());
  }

  /** Creates an order under the caller's key: calling again with the same key answers the same order. */
  public Order create(NewOrder order, String idempotencyKey) {
    return client.post("/orders").header("idempotency-key", idempotencyKey).idempotent().body(order).as(Order.class);
  }

  public Optional<Order> find(long id) {
    try {
      return Optional.of(client.get("/orders/{id}", id).as(Order.class));
    } catch (RemoteProblemException e) {
      if (e.status() == 404) return Optional.empty();
      throw e;
    }
  }

  /** One page of a customer's orders, newest first; {@code page} is null for the first. */
  public OrdersPage list(String customer, int limit, String page) {
    var call = client.get("/customers/{customer}/orders", customer).query("limit", limit);
    if (page != null) call.query("page", page);
    return call.as(OrdersPage.class);
  }

  /** All of a customer's orders, newest first, page after page as the stream is read. */
  public Stream<Order> all(String customer) {
    Iterator<Order> it = new Iterator<>() {
      private Iterator<Order> current = java.util.Collections.emptyIterator();
      private String next;
      private boolean last;

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && !last) {
          OrdersPage p = list(customer, 100, next);
          current = p.orders().iterator();
          next = p.next();
          last = next == null;
        }
        return current.hasNext();
      }

      @Override
      public Order next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false);
  }

  /** Cancels the order if it is still at {@code version}; a 412 when it changed since. */
  public Order cancel(long id, long version) {
    return client.post("/orders/{id}/cancel", id).header("if-match", "\"" + version + "\"").idempotent().as(Order.class);
  }

  /** Cancels the order whatever its version. */
  public Order cancel(long id) {
    return client.post("/orders/{id}/cancel", id).idempotent().as(Order.class);
  }
}
