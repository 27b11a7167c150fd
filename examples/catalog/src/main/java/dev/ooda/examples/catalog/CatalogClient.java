package dev.ooda.examples.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.RemoteProblemException;
import java.util.List;
import java.util.Optional;

/**
 * The catalog's typed client, shipped by the team that owns the catalog with its API. Callers get
 * Java methods and records; discovery, balancing, deadlines, retries, breakers, codecs, errors and
 * tracing come from the {@link OodaClient} underneath.
 */
public final class CatalogClient {
  public static final String SERVICE = "catalog";
  private static final TypeReference<List<Item>> ITEMS = new TypeReference<>() {};

  private final OodaClient client;

  public CatalogClient(Kit kit) {
    this.client = kit.client(SERVICE);
  }

  /** The item, or empty when the catalog has none by that id. */
  public Optional<Item> find(String id) {
    try {
      return Optional.of(client.get("/items/{id}", id).as(Item.class));
    } catch (RemoteProblemException e) {
      if (e.status() == 404) return Optional.empty();
      throw e;
    }
  }

  public List<Item> all() {
    return client.get("/items").as(ITEMS);
  }

  /** Creates or replaces an item. A PUT is idempotent, so the kit may retry it. */
  public Item put(Item item) {
    return client.put("/items/{id}", item.id()).body(item).as(Item.class);
  }
}
