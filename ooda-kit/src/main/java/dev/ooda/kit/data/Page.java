package dev.ooda.kit.data;

import java.util.List;

/**
 * One page of a listing, for callers that page themselves (a REST API handing its own callers
 * a token); {@link Table#stream} follows the pages by itself.
 *
 * @param items the page's items, in the listing's order
 * @param next  the opaque token of the next page, or null on the last page
 */
public record Page<T>(List<T> items, String next) {
  public Page {
    items = List.copyOf(items);
  }

  public boolean hasNext() {
    return next != null;
  }
}
