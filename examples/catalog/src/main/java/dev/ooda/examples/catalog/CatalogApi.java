package dev.ooda.examples.catalog;

import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Put;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.Violation;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The catalog's HTTP API: handlers only; the kit does the rest. */
public final class CatalogApi {
  private final Map<String, Item> items = new ConcurrentHashMap<>();

  @Get("/items/:id")
  public Item item(@Param String id) {
    Item i = items.get(id);
    if (i == null) throw Problem.notFound("no item " + id).toException();
    return i;
  }

  @Get("/items")
  public List<Item> items() {
    return items.values().stream().sorted(Comparator.comparing(Item::id)).toList();
  }

  @Put("/items/:id")
  public Item put(@Param String id, Item item) {
    if (!id.equals(item.id())) {
      throw Problem.invalid(List.of(Violation.of("id", "is " + item.id() + " but the path says " + id))).toException();
    }
    if (!Names.isValid(id)) throw Problem.invalid(List.of(Violation.of("id", Names.problem(id)))).toException();
    if (item.priceCents() < 0) throw Problem.invalid(List.of(Violation.of("priceCents", "must not be negative"))).toException();
    items.put(id, item);
    return item;
  }
}
