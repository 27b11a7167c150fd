package dev.ooda.kit.data;

import dev.ooda.kit.Call;
import dev.ooda.kit.Codec;
import dev.ooda.kit.DeadlineExceededException;
import dev.ooda.kit.Kit;
import dev.ooda.kit.NetworkException;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.RemoteProblemException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client of one namespace of the data service: key-value records ({@link #kv()}), tables
 * ({@link #table}), event series ({@link #events}) and batches ({@link #batch()}). Built on the
 * kit's {@link OodaClient} of the service {@code data}, so calls are found through the registry,
 * balanced, given deadlines, retried when safe, traced, and fail as {@link dev.ooda.kit.CallException}s.
 *
 * <pre>{@code
 * OodaData orders = kit.data("orders");
 * Written w = orders.table("orders").insert(new NewOrder("ann", new BigDecimal("12.50")));
 * Optional<Order> o = orders.table("orders").get(w.key().get("id"), Order.class);
 * orders.kv().put("cart-7", "sku-1", 2, Duration.ofHours(1));
 * }</pre>
 *
 * <p>Every write carries an idempotency key made for it, the same on each of its attempts, so a
 * write that the kit retries after a lost answer is applied once. Errors are the kit's:
 * a {@link RemoteProblemException} with the data service's problem ({@code status()} 404 not
 * found, 409 conflict, 412 precondition failed, 400 invalid with the field's path in
 * {@code problem().errors()}), or a deadline, circuit or network failure.
 */
public final class OodaData {
  /** The data service's name in the registry. */
  public static final String SERVICE = "data";

  private final OodaClient client;
  private final String namespace;
  private final String base;
  private final KeyValue kv;
  private final Map<String, Table> tables = new ConcurrentHashMap<>();

  private OodaData(OodaClient client, String namespace) {
    if (client.options().codec() != Codec.JSON) {
      throw new IllegalArgumentException("the data service speaks JSON: give a client with OodaClient.Options.withCodec(Codec.JSON)");
    }
    if (namespace == null || namespace.isEmpty()) throw new IllegalArgumentException("namespace is required");
    this.client = client;
    this.namespace = namespace;
    this.base = "/v1/namespaces/" + Paths.segment(namespace);
    this.kv = new KeyValue(this);
  }

  /** Namespace {@code namespace} through the kit's shared client of the data service. */
  public static OodaData of(Kit kit, String namespace) {
    return kit.data(namespace);
  }

  /** Namespace {@code namespace} through {@code client}, a client of the data service with the JSON codec. */
  public static OodaData of(OodaClient client, String namespace) {
    return new OodaData(client, namespace);
  }

  public String namespace() {
    return namespace;
  }

  /** The client underneath. */
  public OodaClient client() {
    return client;
  }

  public KeyValue kv() {
    return kv;
  }

  public Table table(String name) {
    Table t = tables.get(name);
    return t != null ? t : tables.computeIfAbsent(name, n -> new Table(this, n));
  }

  public EventSeries events(String series) {
    return new EventSeries(this, series);
  }

  /** A new batch of writes to run in one transaction. */
  public Batch batch() {
    return new Batch(this);
  }

  /** The namespace's state, version and storage, as the data service serves it now. */
  public NamespaceInfo info() {
    return client.get(base).as(NamespaceInfo.class);
  }

  /**
   * Waits until the data service serves the namespace with every declared migration applied,
   * e.g. at a service's start, after it applied its Namespace resource. Asks again after 20 ms,
   * doubling to 500 ms, while the namespace is unknown, migrating, or the data service is away.
   *
   * @throws IllegalStateException if a migration failed, or the namespace is not ready within {@code timeout}
   */
  public NamespaceInfo awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 20;
    String last = "the data service does not serve it";
    while (true) {
      try {
        NamespaceInfo info = info();
        if (info.ready()) return info;
        if ("migration-failed".equals(info.state())) {
          throw new IllegalStateException("namespace '" + namespace + "' failed to migrate: it serves version "
              + info.version() + " of " + info.declared() + " (see GET " + base + ")");
        }
        last = info.state() + " at version " + info.version() + " of " + info.declared();
      } catch (RemoteProblemException e) {
        if (e.status() != 404 && e.status() != 503) throw e;
        last = e.getMessage();
      } catch (NetworkException | DeadlineExceededException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() + pause * 1_000_000 - deadline > 0) {
        throw new IllegalStateException("namespace '" + namespace + "' is not ready after " + timeout + ": " + last);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for namespace '" + namespace + "'", e);
      }
      pause = Math.min(pause * 2, 500);
    }
  }

  // ---------------------------------------------------------------- shared by the models

  String base() {
    return base;
  }

  Call get(String path) {
    return client.get(path);
  }

  /** A write, with its own idempotency key: every attempt carries the same one, so retrying it is safe. */
  Call write(Call c) {
    return write(c, IdempotencyKeys.next());
  }

  Call write(Call c, String idempotencyKey) {
    return c.header(IdempotencyKeys.HEADER, idempotencyKey).idempotent();
  }

  /** A row as the data service answers it, {@code _version} taken out as the version. */
  @SuppressWarnings("unchecked")
  static Row row(Map<?, ?> answer) {
    return Row.read(new java.util.LinkedHashMap<>((Map<String, Object>) answer));
  }

  /**
   * True when {@code e} says that the thing read does not exist, as opposed to its namespace or
   * table: the data service answers 404 for both, and names which in the detail.
   */
  static boolean absent(RemoteProblemException e, String what) {
    return e.status() == 404 && e.detail() != null && e.detail().startsWith(what);
  }
}
