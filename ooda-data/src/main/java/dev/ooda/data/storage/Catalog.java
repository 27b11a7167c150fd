package dev.ooda.data.storage;

import dev.ooda.data.http.Problems;
import dev.ooda.model.Names;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.Violations;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces being served: an immutable map swapped whole on each push. Requests read the
 * current map without locks; a push prepares the next map (opening pools, running migrations)
 * while requests go on against the previous one.
 */
public final class Catalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  private final Path dataDir;
  private final int defaultPoolSize;
  /** (reference, owner) to the secret's value; throws IllegalArgumentException naming the reference when it has none. */
  private final BinaryOperator<String> secrets;
  private final MeterRegistry meters;
  private final AtomicReference<Map<String, Namespace>> current = new AtomicReference<>(Map.of());
  /**
   * For storages opened from a secret reference: a digest of the URL the secret held then. A push
   * that finds the secret holding another URL (its value was changed) reconnects the namespace.
   * Touched only under the catalog's lock.
   */
  private final Map<Storage, String> secretDigests = new IdentityHashMap<>();
  /** Namespaces kept on their old storage because a new spec or secret did not open: the next push tries again. */
  private final Set<Namespace> kept = Collections.newSetFromMap(new IdentityHashMap<>());

  public Catalog(Path dataDir, int defaultPoolSize, BinaryOperator<String> secrets, MeterRegistry meters) {
    this.dataDir = dataDir;
    this.defaultPoolSize = defaultPoolSize;
    this.secrets = secrets;
    this.meters = meters;
  }

  /** The namespace, ready to serve; 404 or 503 naming it otherwise. */
  public Namespace get(String name) {
    Namespace n = current.get().get(name);
    if (n == null) throw Problems.notFound("namespace '" + name + "' not found");
    n.require();
    return n;
  }

  public Namespace find(String name) {
    Namespace n = current.get().get(name);
    if (n == null) throw Problems.notFound("namespace '" + name + "' not found");
    return n;
  }

  public boolean serves(String name) {
    return current.get().containsKey(name);
  }

  public Collection<Namespace> all() {
    return current.get().values();
  }

  /**
   * Makes {@code resources} (the Namespace ones among them) the namespaces served. Unchanged
   * namespaces are kept as they are; new and changed ones are opened and migrated; the rest are
   * closed (their data stays). Pushes are serialized.
   */
  public synchronized List<Namespace> apply(Collection<Resource> resources) {
    Map<String, Namespace> before = current.get();
    Map<String, Namespace> next = new TreeMap<>();
    for (Resource r : resources) {
      if (!NamespaceSpec.KIND.name().equals(r.kind())) continue;
      NamespaceSpec spec = r.spec(NamespaceSpec.class);
      Namespace old = before.get(r.name());
      if (old != null && old.spec().equals(spec) && old.storage() != null && !secretChanged(old) && !kept.contains(old)) {
        next.put(r.name(), old);
      } else {
        next.put(r.name(), prepare(r.name(), spec, old));
      }
    }
    current.set(Collections.unmodifiableMap(next));
    Set<Namespace> served = Collections.newSetFromMap(new IdentityHashMap<>());
    served.addAll(next.values());
    kept.retainAll(served);
    Set<Storage> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
    next.values().forEach(n -> { if (n.storage() != null) inUse.add(n.storage()); });
    for (Namespace n : before.values()) {
      if (n.storage() != null && !inUse.contains(n.storage())) {
        secretDigests.remove(n.storage());
        n.storage().close();
      }
    }
    return List.copyOf(next.values());
  }

  private Namespace prepare(String name, NamespaceSpec spec, Namespace old) {
    String bad = Names.problem(name);
    if (bad == null && name.length() > NamespaceSpec.MAX_NAME_LENGTH)
      bad = "must be at most " + NamespaceSpec.MAX_NAME_LENGTH + " characters for a namespace";
    Violations v = new Violations();
    NamespaceSpec.KIND.validate(spec, v);
    if (bad != null || !v.isEmpty()) {
      String why = "invalid: " + (bad != null ? "name " + bad : v.list().toString());
      return old != null && old.storage() != null ? withError(old, why) : Namespace.unavailable(name, spec, why);
    }
    Storage storage;
    if (old != null && old.storage() != null && sameStorage(old.spec(), spec) && !secretChanged(old)) {
      storage = old.storage();
    } else {
      try {
        String[] digest = new String[1];
        BinaryOperator<String> recording = (reference, owner) -> {
          String url = secrets.apply(reference, owner);
          digest[0] = digest(url);
          return url;
        };
        storage = Storage.open(name, spec, dataDir, defaultPoolSize, recording, meters);
        if (digest[0] != null) secretDigests.put(storage, digest[0]);
      } catch (Exception e) {
        String why = "cannot open its " + spec.effectiveBackend() + " storage: " + safeMessage(e);
        LOG.warn("namespace {}: {}", name, why);
        return old != null && old.storage() != null ? withError(old, why) : Namespace.unavailable(name, spec, why);
      }
    }
    Migrator.Outcome m = Migrator.migrate(storage, spec);
    return new Namespace(name, spec, storage, m.schema(), m.applied(), m.failure(), null);
  }

  /**
   * Whether the secret a namespace's storage was opened from now holds another value (or cannot be
   * read, which {@link #prepare} then reports on the namespace's status).
   */
  private boolean secretChanged(Namespace n) {
    NamespaceSpec.Connection c = n.spec().connection();
    String opened = secretDigests.get(n.storage());
    if (c == null || c.secret() == null || opened == null) return false;
    try {
      return !opened.equals(digest(secrets.apply(c.secret(), n.spec().owner())));
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static String digest(String url) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(url.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Keeps serving the old namespace and says why the new spec was not taken. */
  private Namespace withError(Namespace old, String why) {
    Namespace n = new Namespace(old.name(), old.spec(), old.storage(), old.schema(), old.version(),
        new Migrator.Failure(null, null, null, why), null);
    kept.add(n);
    return n;
  }

  private static boolean sameStorage(NamespaceSpec a, NamespaceSpec b) {
    return a.effectiveBackend().equals(b.effectiveBackend()) && Objects.equals(a.connection(), b.connection())
        && Objects.equals(a.poolSize(), b.poolSize()) && Objects.equals(a.cassandra(), b.cassandra());
  }

  /** Driver messages can quote the URL they were given; keep only the first line, without URLs. */
  private static String safeMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    m = m.split("\n")[0];
    return m.replaceAll("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+", "(url)");
  }

  @Override
  public synchronized void close() {
    Map<String, Namespace> last = current.getAndSet(Map.of());
    Set<Storage> closed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Namespace n : last.values()) {
      if (n.storage() != null && closed.add(n.storage())) n.storage().close();
    }
  }
}
