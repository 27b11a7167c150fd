package dev.ooda.model;

import java.util.ArrayList;
import java.util.List;

/** Collects what a validator finds, with field paths relative to the document. */
public final class Violations {
  private final List<Violation> found;
  private final String prefix;

  public Violations() {
    this(new ArrayList<>(), "");
  }

  private Violations(List<Violation> found, String prefix) {
    this.found = found;
    this.prefix = prefix;
  }

  /** A view whose paths start at {@code path}, writing into the same list. */
  public Violations at(String path) {
    return new Violations(found, join(prefix, path));
  }

  public Violations add(String path, String message) {
    found.add(Violation.of(join(prefix, path), message));
    return this;
  }

  /** Adds {@code message} at {@code path} unless {@code ok}. */
  public Violations check(boolean ok, String path, String message) {
    return ok ? this : add(path, message);
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  public List<Violation> list() {
    return List.copyOf(found);
  }

  static String join(String a, String b) {
    if (a.isEmpty()) return b;
    if (b.isEmpty()) return a;
    return b.startsWith("[") ? a + b : a + "." + b;
  }
}
