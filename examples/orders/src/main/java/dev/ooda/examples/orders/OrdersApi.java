package dev.ooda.examples.orders;

import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.StatusCode;
import dev.ooda.kit.RemoteProblemException;
import dev.ooda.kit.data.OodaData;
import dev.ooda.kit.data.Query;
import dev.ooda.kit.data.Row;
import dev.ooda.kit.data.Table;
import dev.ooda.kit.data.Written;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Violation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The orders service's HTTP API. Its rows live in the namespace {@code orders} of the data
 * service, read and written through {@link OodaData}; the service holds no database connection.
 */
public final class OrdersApi {
  private final Table orders;

  public OrdersApi(OodaData data) {
    this.orders = data.table("orders");
  }

  /**
   * Creates an order. With an {@code Idempotency-Key}, the same key again creates nothing and
   * answers the order created the first time: the key is passed on to the data service.
   */
  @Post("/orders")
  @StatusCode(201)
  public Order create(NewOrder order, @Header("idempotency-key") Optional<String> idempotencyKey) {
    if (order.customer() == null || order.customer().isBlank()) throw invalid("customer", "is required");
    if (order.total() == null || order.total().signum() < 0) throw invalid("total", "is required and must not be negative");
    Map<String, Object> row = Map.of("customer", order.customer(), "total", order.total(), "status", Order.OPEN);
    Written w = passOn(() -> idempotencyKey.isPresent() ? orders.insert(row, idempotencyKey.get()) : orders.insert(row));
    return new Order(((Number) w.key().get("id")).longValue(), order.customer(), order.total(), Order.OPEN, w.version());
  }

  @Get("/orders/:id")
  public Order order(@Param long id) {
    return passOn(() -> orders.get(id, Order.class)).orElseThrow(() -> Problem.notFound("no order " + id).toException());
  }

  /** A customer's orders, newest first, a page at a time: {@code page} is the previous page's {@code next}. */
  @Get("/customers/:customer/orders")
  public OrdersPage ofCustomer(@Param String customer, @Param @Default("20") int limit, @Param Optional<String> page) {
    if (limit < 1 || limit > 100) throw invalid("limit", "must be 1..100");
    Query q = Query.builder().eq("customer", customer).orderByDesc("id").limit(limit).build();
    var p = passOn(() -> orders.page(q, page.orElse(null), Order.class));
    return new OrdersPage(p.items(), p.next());
  }

  /**
   * Cancels an order. With {@code If-Match: "<version>"} only the order as the caller saw it
   * (412 when it changed since); without, whatever its version, re-read and retried on a conflict.
   */
  @Post("/orders/:id/cancel")
  public Order cancel(@Param long id, @Header("if-match") Optional<String> ifMatch) {
    if (ifMatch.isPresent()) {
      long version = version(ifMatch.get());
      passOn(() -> orders.update(id, Map.of("status", Order.CANCELLED), version));
      return order(id);
    }
    Row r = passOn(() -> orders.update(id, row -> row.with("status", Order.CANCELLED)));
    return new Order(id, r.getString("customer"), new BigDecimal(r.get("total").toString()), r.getString("status"), r.version());
  }

  private static long version(String etag) {
    String v = etag.trim();
    if (v.startsWith("\"") && v.endsWith("\"") && v.length() > 2) v = v.substring(1, v.length() - 1);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw invalid("If-Match", "must be an order's version, like \"3\"");
    }
  }

  /**
   * The data service's refusals of what this service's caller asked (not found, conflict,
   * precondition failed, invalid, key reused) answer as this service's own problems; anything
   * else stays a failed dependency.
   */
  private static <T> T passOn(Supplier<T> call) {
    try {
      return call.get();
    } catch (RemoteProblemException e) {
      if (e.status() >= 400 && e.status() < 500) throw new ProblemException(e.problem());
      throw e;
    }
  }

  private static ProblemException invalid(String path, String message) {
    return Problem.invalid(List.of(Violation.of(path, message))).toException();
  }
}
