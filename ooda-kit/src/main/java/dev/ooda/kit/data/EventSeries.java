package dev.ooda.kit.data;

import dev.ooda.kit.Call;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One event series of the namespace: timestamped events with an optional prefix, stored by time
 * bucket, read back by time window.
 *
 * <pre>{@code
 * EventSeries clicks = kit.data("web").events("clicks");
 * clicks.append(Event.of("user-7", Instant.now(), new Click("/cart")));
 * clicks.read(Window.between(from, to).prefix("user-7"), Click.class).forEach(...);
 * }</pre>
 */
public final class EventSeries {
  private final OodaData data;
  private final String series;
  private final String path;

  EventSeries(OodaData data, String series) {
    if (series == null || series.isEmpty()) throw new IllegalArgumentException("series is required");
    this.data = data;
    this.series = series;
    this.path = data.base() + "/events/" + Paths.segment(series);
  }

  public String series() {
    return series;
  }

  /** Appends one event. */
  public void append(Event<?> event) {
    data.write(data.client().post(path)).body(body(event)).send();
  }

  /** Appends events in one transaction (at most 1000 by the data service's default limit). */
  public void appendAll(List<? extends Event<?>> events) {
    if (events.isEmpty()) return;
    List<Map<String, Object>> list = new ArrayList<>(events.size());
    for (Event<?> e : events) list.add(body(e));
    data.write(data.client().post(path)).body(Map.of("events", list)).send();
  }

  /** The events in {@code window}, page after page as the stream is read. */
  public <T> Stream<Event<T>> read(Window window, Class<T> type) {
    return Pages.stream(token -> {
      Call c = data.get(path);
      if (window.from() != null) c.query("from", window.from());
      if (window.to() != null) c.query("to", window.to());
      if (window.prefix() != null) c.query("prefix", window.prefix());
      if (window.descending()) c.query("order", "desc");
      if (token != null) c.query("page", token);
      Answers.EventsAnswer<T> a = c.as(Answers.type(Answers.EVENTS, type));
      List<Event<T>> out = new ArrayList<>(a.events().size());
      for (Answers.EventAnswer<T> e : a.events()) out.add(new Event<>(e.prefix(), Instant.parse(e.ts()), e.id(), e.value()));
      return new Page<>(out, a.next());
    });
  }

  /** Retention: drops every bucket that ends before {@code before}; returns how many events went. */
  public int dropBefore(Instant before) {
    return data.write(data.client().delete(path)).query("before", before).as(Answers.Dropped.class).deleted();
  }

  private static Map<String, Object> body(Event<?> e) {
    Map<String, Object> m = new LinkedHashMap<>(8);
    if (e.ts() != null) m.put("ts", e.ts().toString());
    if (e.prefix() != null) m.put("prefix", e.prefix());
    if (e.id() != null) m.put("id", e.id());
    m.put("value", e.value());
    return m;
  }
}
