package dev.ooda.control;

import dev.ooda.control.client.ZooKeeperLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the store's changes, in order, to any number of subscribers, each from the revision it
 * asks for. One thread does all the work, so a subscriber's catch-up and the live changes that
 * follow it can never interleave out of order. New changes arrive by ZooKeeper watch, not polling.
 */
public final class ChangeFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

  /** Receives changes; returns false once it wants no more. */
  public interface Sink {
    boolean offer(Change change);

    void gone(GoneException e);

    /** The feed is closing: no more changes will come. */
    default void end() {}
  }

  private final ResourceStore store;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ooda-change-feed");
    t.setDaemon(true);
    return t;
  });
  private final List<Subscriber> live = new ArrayList<>();
  private final CuratorWatcher onChildren = e -> submit(this::pull);
  private final ConnectionStateListener onReconnect = (c, s) -> {
    if (s == ConnectionState.RECONNECTED) submit(this::pull);
  };
  private long cursor;

  private static final class Subscriber {
    final Sink sink;
    long last;

    Subscriber(Sink sink, long last) {
      this.sink = sink;
      this.last = last;
    }
  }

  public ChangeFeed(ResourceStore store) {
    this.store = store;
    this.cursor = store.revision();
    store.zookeeper().getConnectionStateListenable().addListener(onReconnect);
    submit(this::pull);
  }

  /** Delivers every change after {@code from} to {@code sink}, then every new one, until it declines. */
  public void subscribe(long from, Sink sink) {
    submit(() -> {
      Subscriber s = new Subscriber(sink, from);
      if (from < cursor) {
        try {
          for (Change c : store.changesSince(from)) {
            if (!deliver(s, c)) return;
          }
        } catch (GoneException e) {
          sink.gone(e);
          return;
        }
      }
      live.add(s);
    });
  }

  private void pull() {
    try {
      // Re-arm the watch before reading, so no change slips between the read and the next event.
      store.zookeeper().getChildren().usingWatcher(onChildren).forPath(ZooKeeperLayout.CHANGES);
      for (Change c : store.changesSince(cursor)) {
        cursor = Math.max(cursor, c.revision());
        for (Iterator<Subscriber> it = live.iterator(); it.hasNext(); ) {
          if (!deliver(it.next(), c)) it.remove();
        }
      }
    } catch (GoneException e) {
      // This node fell behind the log's trim: its subscribers cannot be caught up any more.
      live.forEach(s -> s.sink.gone(e));
      live.clear();
      cursor = store.revision();
    } catch (Exception e) {
      log.warn("cannot read changes from ZooKeeper; will retry on reconnect: {}", e.getMessage());
    }
  }

  private static boolean deliver(Subscriber s, Change c) {
    if (c.revision() <= s.last) return true;
    s.last = c.revision();
    try {
      return s.sink.offer(c);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void submit(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closed) {
      // the feed is closing
    }
  }

  @Override
  public void close() {
    store.zookeeper().getConnectionStateListenable().removeListener(onReconnect);
    submit(() -> {
      live.forEach(s -> s.sink.end());
      live.clear();
    });
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
