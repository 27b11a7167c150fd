package dev.ooda.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Kind;
import dev.ooda.model.Kinds;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Every resource, in ZooKeeper. Each resource is one znode under {@code /resources/<Kind>/<name>};
 * each change also writes one sequential znode under {@code /changes} in the same transaction, so
 * the change log and the resources never disagree and a watcher can resume from any revision the
 * log still keeps.
 *
 * <p>The store's revision is a counter znode that every write transaction increments under an
 * optimistic version check, so writes are serialized, each change gets the next revision, and a
 * watcher that sees revision N knows every change before N is committed.
 */
public final class ResourceStore {
  private static final String CHANGES = ZooKeeperLayout.CHANGES;
  private static final String TRIMMED = ZooKeeperLayout.CHANGES_TRIMMED_THROUGH;
  private static final String REVISION = ZooKeeperLayout.REVISION;
  private static final int ATTEMPTS = 10;

  /** How many changes the log keeps for watchers that reconnect. */
  public static final int KEEP_CHANGES = 10_000;

  private final CuratorFramework zk;
  private final Map<String, Cascade> cascades = new java.util.concurrent.ConcurrentHashMap<>();

  /** What else goes when a resource of a kind is deleted (a Secret's encrypted values). */
  @FunctionalInterface
  public interface Cascade {
    /** Operations run in the delete's own transaction, so the resource never outlives its parts or the reverse. */
    List<CuratorOp> deletions(String name) throws Exception;
  }

  public ResourceStore(CuratorFramework zk) throws Exception {
    this.zk = zk;
    ensure(CHANGES);
    ensure(TRIMMED);
    ensure(REVISION);
    for (Kind<?> k : Kinds.all()) ensure(ZooKeeperLayout.resources(k.name()));
  }

  public CuratorFramework zookeeper() {
    return zk;
  }

  /** The store's current revision: every change made so far has a revision at most this. */
  public long revision() {
    try {
      return readLong(zk.getData().forPath(REVISION), 0);
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  public Optional<Resource> get(Kind<?> kind, String name) {
    try {
      byte[] data = zk.getData().forPath(path(kind.name(), name));
      return Optional.of(ResourceCodec.readStored(data));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /** All resources of a kind, by name. */
  public List<Resource> list(Kind<?> kind) {
    try {
      String dir = ZooKeeperLayout.resources(kind.name());
      List<String> names = new ArrayList<>(zk.getChildren().forPath(dir));
      names.sort(null);
      List<Resource> out = new ArrayList<>(names.size());
      for (byte[] data : readAll(names.stream().map(n -> dir + "/" + n).toList())) {
        if (data != null) out.add(ResourceCodec.readStored(data));
      }
      return out;
    } catch (ProblemException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /**
   * Creates or updates every document, all or nothing, in one ZooKeeper transaction. A document
   * that carries a version other than 0 must match the stored one. Unchanged documents keep their
   * version and write nothing.
   */
  public ApplyResult apply(List<Resource> docs) {
    return apply(docs, List.of());
  }

  /**
   * As {@link #apply(List)}, with {@code alongside} committed in the same transaction (a Secret's
   * new encrypted value beside its metadata). A failure of any operation fails them all.
   */
  public ApplyResult apply(List<Resource> docs, List<CuratorOp> alongside) {
    checkDuplicates(docs);
    for (int attempt = 1; ; attempt++) {
      try {
        return tryApply(docs, alongside);
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
               | KeeperException.NoNodeException e) {
        // Another write went first; read again (version checks are redone on the fresh state).
        if (attempt == ATTEMPTS) {
          throw new ProblemException(Problem.conflict("the store was changed concurrently too often; retry"));
        }
        backoff(attempt);
      } catch (ProblemException e) {
        throw e;
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
  }

  /** Deletes what belongs to each resource of {@code kind} along with it. */
  public void cascade(Kind<?> kind, Cascade c) {
    cascades.put(kind.name(), c);
  }

  private ApplyResult tryApply(List<Resource> docs, List<CuratorOp> alongside) throws Exception {
    Stat counter = new Stat();
    long revision = readLong(zk.getData().storingStatIn(counter).forPath(REVISION), 0);
    List<Stat> stats = new ArrayList<>();
    List<Resource> current = new ArrayList<>();
    for (Resource d : docs) {
      Stat s = new Stat();
      Resource cur = null;
      try {
        cur = ResourceCodec.readStored(zk.getData().storingStatIn(s).forPath(path(d.kind(), d.name())));
      } catch (KeeperException.NoNodeException e) {
        s = null;
      }
      stats.add(s);
      current.add(cur);
    }
    List<String> stale = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Resource d = docs.get(i);
      Resource cur = current.get(i);
      if (d.version() > 0 && (cur == null || cur.version() != d.version())) {
        stale.add("document " + (i + 1) + " (" + d.ref() + ") carries version " + d.version() + " but "
            + (cur == null ? "it does not exist" : "the stored version is " + cur.version()));
      }
    }
    if (!stale.isEmpty()) throw new ProblemException(Problem.conflict(String.join("; ", stale)));
    checkClashes(docs);

    List<CuratorOp> ops = new ArrayList<>();
    List<ApplyResult.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Resource d = docs.get(i);
      Resource cur = current.get(i);
      String p = path(d.kind(), d.name());
      if (cur != null && cur.spec().equals(d.spec())) {
        outcomes.add(new ApplyResult.Outcome(ApplyResult.Action.UNCHANGED, cur));
        continue;
      }
      Resource next = d.withVersion(cur == null ? 1 : cur.version() + 1);
      byte[] data = ResourceCodec.toJsonBytes(next);
      ops.add(cur == null
          ? zk.transactionOp().create().forPath(p, data)
          : zk.transactionOp().setData().withVersion(stats.get(i).getVersion()).forPath(p, data));
      ops.add(changeOp(++revision, Change.Type.APPLIED, next));
      outcomes.add(new ApplyResult.Outcome(cur == null ? ApplyResult.Action.CREATED : ApplyResult.Action.UPDATED, next));
    }
    if (ops.isEmpty()) return new ApplyResult(revision, outcomes);
    ops.addAll(alongside);
    ops.add(counterOp(revision, counter));
    zk.transaction().forOperations(ops);
    return new ApplyResult(revision, outcomes);
  }

  /**
   * Deletes a resource and returns it as it was. With {@code expectedVersion}, only if the stored
   * version is that one.
   */
  public Change delete(Kind<?> kind, String name, Long expectedVersion) {
    for (int attempt = 1; ; attempt++) {
      try {
        Stat counter = new Stat();
        long revision = readLong(zk.getData().storingStatIn(counter).forPath(REVISION), 0) + 1;
        Stat s = new Stat();
        Resource cur;
        try {
          cur = ResourceCodec.readStored(zk.getData().storingStatIn(s).forPath(path(kind.name(), name)));
        } catch (KeeperException.NoNodeException e) {
          throw new ProblemException(Problem.notFound(kind.name() + "/" + name + " does not exist"));
        }
        if (expectedVersion != null && expectedVersion != cur.version()) {
          throw new ProblemException(Problem.conflict(kind.name() + "/" + name + ": version " + expectedVersion
              + " is stale, the stored version is " + cur.version()));
        }
        Cascade cascade = cascades.get(kind.name());
        List<CuratorOp> ops = new ArrayList<>(cascade == null ? List.of() : cascade.deletions(name));
        ops.add(zk.transactionOp().delete().withVersion(s.getVersion()).forPath(path(kind.name(), name)));
        ops.add(changeOp(revision, Change.Type.DELETED, cur));
        ops.add(counterOp(revision, counter));
        zk.transaction().forOperations(ops);
        return new Change(revision, Change.Type.DELETED, cur);
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException | KeeperException.NodeExistsException
               | KeeperException.NotEmptyException e) {
        if (attempt == ATTEMPTS) {
          throw new ProblemException(Problem.conflict(kind.name() + "/" + name + " was changed concurrently too often; retry"));
        }
        backoff(attempt);
      } catch (ProblemException e) {
        throw e;
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
  }

  /**
   * Every change after {@code revision}, oldest first.
   *
   * @throws GoneException when changes after {@code revision} were already trimmed from the log
   */
  public List<Change> changesSince(long revision) {
    try {
      long trimmedThrough = trimmedThrough();
      if (revision < trimmedThrough) throw new GoneException(revision, trimmedThrough);
      List<Long> seqs = new ArrayList<>();
      for (String c : zk.getChildren().forPath(CHANGES)) {
        long seq = ZooKeeperLayout.revisionOfChange(c);
        if (seq > revision && seq > trimmedThrough) seqs.add(seq);
      }
      seqs.sort(Comparator.naturalOrder());
      List<byte[]> data = readAll(seqs.stream().map(ZooKeeperLayout::change).toList());
      List<Change> out = new ArrayList<>(seqs.size());
      for (int i = 0; i < seqs.size(); i++) {
        if (data.get(i) != null) out.add(decodeChange(seqs.get(i), data.get(i)));
      }
      return out;
    } catch (ProblemException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /** Drops all but the newest {@code keep} changes. Safe to run from several nodes at once. */
  public void trimChanges(int keep) {
    try {
      List<Long> seqs = new ArrayList<>(zk.getChildren().forPath(CHANGES).stream().map(ZooKeeperLayout::revisionOfChange).toList());
      if (seqs.size() <= keep) return;
      seqs.sort(Comparator.naturalOrder());
      long cut = seqs.get(seqs.size() - keep - 1);
      if (cut > trimmedThrough()) {
        // Mark first: a watcher asking for trimmed changes must learn that they are gone.
        zk.setData().forPath(TRIMMED, Long.toString(cut).getBytes(StandardCharsets.UTF_8));
      }
      for (long s : seqs) {
        if (s > cut) break;
        zk.delete().quietly().forPath(ZooKeeperLayout.change(s));
      }
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /** @throws GoneException when changes after {@code revision} are no longer kept */
  public void requireKept(long revision) {
    try {
      long t = trimmedThrough();
      if (revision < t) throw new GoneException(revision, t);
    } catch (ProblemException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  private long trimmedThrough() throws Exception {
    return readLong(zk.getData().forPath(TRIMMED), -1);
  }

  private CuratorOp changeOp(long revision, Change.Type type, Resource r) throws Exception {
    ObjectNode n = ResourceCodec.json().createObjectNode();
    n.put("type", type.name());
    n.set("resource", ResourceCodec.json().valueToTree(r));
    return zk.transactionOp().create().forPath(ZooKeeperLayout.change(revision), ResourceCodec.toJsonBytes(n));
  }

  /** Moves the revision counter, failing the transaction if another write moved it first. */
  private CuratorOp counterOp(long revision, Stat counter) throws Exception {
    return zk.transactionOp().setData().withVersion(counter.getVersion())
        .forPath(REVISION, Long.toString(revision).getBytes(StandardCharsets.UTF_8));
  }

  private static long readLong(byte[] d, long absent) {
    return d == null || d.length == 0 ? absent : Long.parseLong(new String(d, StandardCharsets.UTF_8).trim());
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Change decodeChange(long revision, byte[] data) {
    try {
      JsonNode n = ResourceCodec.json().readTree(data);
      Resource r = ResourceCodec.readStored(ResourceCodec.json().writeValueAsBytes(n.get("resource")));
      return new Change(revision, Change.Type.valueOf(n.get("type").asText()), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void checkDuplicates(List<Resource> docs) {
    Set<String> seen = new HashSet<>();
    List<Violation> dup = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      if (!seen.add(docs.get(i).ref())) {
        dup.add(new Violation(i + 1, docs.get(i).ref(), "name", "appears more than once in this request"));
      }
    }
    if (!dup.isEmpty()) throw new InvalidResourceException(dup);
  }

  /** Two resources of a kind with a unique key may not share it; the request is refused whole. */
  private void checkClashes(List<Resource> docs) {
    List<Violation> clashes = new ArrayList<>();
    for (Kind<?> kind : Kinds.all()) {
      if (kind.uniqueKey() == null || docs.stream().noneMatch(d -> d.kind().equals(kind.name()))) continue;
      Map<String, Resource> merged = new HashMap<>();
      for (Resource r : list(kind)) merged.put(r.name(), r);
      Map<String, Integer> docIndex = new HashMap<>();
      for (int i = 0; i < docs.size(); i++) {
        if (docs.get(i).kind().equals(kind.name())) {
          merged.put(docs.get(i).name(), docs.get(i));
          docIndex.put(docs.get(i).name(), i);
        }
      }
      Map<Object, String> owner = new HashMap<>();
      // Stored resources first, then the documents in order, so the error lands on the newcomer.
      List<String> order = new ArrayList<>(merged.keySet());
      order.sort(Comparator.comparing((String n) -> docIndex.getOrDefault(n, -1)).thenComparing(n -> n));
      for (String name : order) {
        Resource r = merged.get(name);
        Object key = kind.keyOf(r.spec());
        String other = owner.putIfAbsent(key, name);
        if (other != null && docIndex.containsKey(name)) {
          clashes.add(new Violation(docIndex.get(name) + 1, r.ref(), kind.keyPath(),
              "matches the same requests as " + kind.name() + "/" + other + " (" + key + ")"));
        }
      }
    }
    if (!clashes.isEmpty()) throw new InvalidResourceException(clashes);
  }

  /** Reads many znodes at once, pipelined over the one connection; null where a node is gone. */
  private List<byte[]> readAll(List<String> paths) throws Exception {
    byte[][] out = new byte[paths.size()][];
    CountDownLatch done = new CountDownLatch(paths.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (int i = 0; i < paths.size(); i++) {
      int at = i;
      zk.getData().inBackground((client, event) -> {
        int rc = event.getResultCode();
        if (rc == KeeperException.Code.OK.intValue()) out[at] = event.getData();
        else if (rc != KeeperException.Code.NONODE.intValue()) failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc)));
        done.countDown();
      }).forPath(paths.get(i));
    }
    if (!done.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("ZooKeeper did not answer within 30 s");
    if (failure.get() != null) throw failure.get();
    return java.util.Arrays.asList(out);
  }

  private void ensure(String p) throws Exception {
    try {
      zk.create().creatingParentsIfNeeded().forPath(p, new byte[0]);
    } catch (KeeperException.NodeExistsException ignored) {
      // created by an earlier start or by another node
    }
  }

  private static String path(String kind, String name) {
    return ZooKeeperLayout.resource(kind, name);
  }

  static ProblemException unavailable(Exception e) {
    if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    return new ProblemException(Problem.of(ProblemType.STORE_UNAVAILABLE,
        "the resource store (ZooKeeper) did not answer: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage())));
  }
}
