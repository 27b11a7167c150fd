package dev.ooda.kit.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A listing as a lazy stream that fetches the next page (keyset token) only when the items of
 * the one before are used up, so that a caller reading the first few rows reads one page.
 */
final class Pages<T> implements Iterator<T> {
  private final Function<String, Page<T>> fetch;
  private Iterator<T> current;
  private String next;
  private boolean last;

  private Pages(Function<String, Page<T>> fetch) {
    this.fetch = fetch;
  }

  /** {@code fetch} takes a page token, null for the first page. */
  static <T> Stream<T> stream(Function<String, Page<T>> fetch) {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new Pages<>(fetch), Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  @Override
  public boolean hasNext() {
    while (current == null || !current.hasNext()) {
      if (last) return false;
      Page<T> p = fetch.apply(next);
      current = p.items().iterator();
      next = p.next();
      last = next == null;
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) throw new NoSuchElementException();
    return current.next();
  }
}
