package dev.ooda.access;

import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ServiceSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every service's security group, compiled once from the Service resources into a table that
 * answers "may A call B with this method and path?" without allocating for the common case. Rebuilt
 * whole on each change and swapped atomically by whoever holds it; a call checks against one table.
 *
 * <p>A group entry without methods or paths allows its caller everything: one map lookup. Entries
 * with methods or paths are matched once per (caller, method, path) and the answer is cached.
 */
public final class AccessRules {
  /** No groups: every service is in mode {@code off}. */
  public static final AccessRules NONE = new AccessRules(Map.of());

  /** Reads at the data service: the access a {@code read} grant gives. */
  public static final String READ = "read";
  /** Writes at the data service. */
  public static final String WRITE = "write";

  private final Map<String, Group> groups;

  private AccessRules(Map<String, Group> groups) {
    this.groups = groups;
  }

  /** The groups of these Service resources; other kinds are ignored. */
  public static AccessRules services(Collection<Resource> services) {
    Map<String, Group> groups = new HashMap<>();
    for (Resource r : services) {
      if (!(r.spec() instanceof ServiceSpec s) || s.access() == null) continue;
      List<Entry> entries = new ArrayList<>();
      List<ServiceSpec.Caller> callers = s.access().callers();
      for (int i = 0; i < callers.size(); i++) {
        ServiceSpec.Caller c = callers.get(i);
        entries.add(new Entry("callers[" + i + "]", c.service(), Set.copyOf(c.methods()),
            c.paths().stream().map(PathGlob::new).toList()));
      }
      groups.put(r.name(), new Group(r.name(), s.accessMode(), entries));
    }
    return new AccessRules(Map.copyOf(groups));
  }

  /**
   * The groups of data namespaces: the owner may do everything, a {@code read} grant allows
   * {@link #READ}, a {@code write} grant both; the "method" of a check is {@code read} or
   * {@code write}. The mode is the owner's, from {@code services}.
   */
  public static AccessRules namespaces(Collection<Resource> namespaces, AccessRules services) {
    Map<String, Group> groups = new HashMap<>();
    for (Resource r : namespaces) {
      if (!(r.spec() instanceof NamespaceSpec n)) continue;
      List<Entry> entries = new ArrayList<>();
      entries.add(new Entry("owner", n.owner(), Set.of(), List.of()));
      for (int i = 0; i < n.grants().size(); i++) {
        NamespaceSpec.Grant g = n.grants().get(i);
        Set<String> access = NamespaceSpec.Grant.WRITE.equals(g.access()) ? Set.of(READ, WRITE) : Set.of(READ);
        entries.add(new Entry("grants[" + i + "]", g.service(), access, List.of()));
      }
      groups.put(r.name(), new Group(r.name(), services.mode(n.owner()), entries, ProblemType.NOT_GRANTED));
    }
    return new AccessRules(Map.copyOf(groups));
  }

  /** The service's access mode; {@code off} for a service without a group. */
  public String mode(String service) {
    Group g = groups.get(service);
    return g == null ? ServiceSpec.Access.OFF : g.mode;
  }

  /** True when calls to {@code service} need a verified caller: its mode is enforce or audit. */
  public boolean checks(String service) {
    Group g = groups.get(service);
    return g != null && !g.mode.equals(ServiceSpec.Access.OFF);
  }

  /**
   * Whether {@code caller} (a verified service name) may call {@code service} with this method and
   * path. In mode {@code off} everything is allowed; in {@code audit} a refusal comes back as
   * {@link Decision.Outcome#WOULD_DENY}.
   */
  public Decision decide(String caller, String service, String method, String path) {
    Group g = groups.get(service);
    if (g == null) return Decision.allow(caller, service, ServiceSpec.Access.OFF, 0);
    return g.decide(caller, method, path);
  }

  /**
   * The decision for a call that proved no identity: no token ({@code token-missing}) or one that
   * did not verify ({@code token-invalid}, with the verifier's reason).
   */
  public Decision unidentified(String service, String method, String path, ProblemType why, String reason) {
    Group g = groups.get(service);
    if (g == null || g.mode.equals(ServiceSpec.Access.OFF)) {
      return Decision.allow(null, service, ServiceSpec.Access.OFF, 0);
    }
    return Decision.refuse(null, service, method, path, g.mode, 0, reason, why);
  }

  /** One entry of a group, named by its place in the resource, e.g. {@code callers[1]}. */
  private record Entry(String at, String caller, Set<String> methods, List<PathGlob> paths) {
    boolean unrestricted() {
      return methods.isEmpty() && paths.isEmpty();
    }

    boolean allows(String method, String path) {
      if (!methods.isEmpty() && !methods.contains(method)) return false;
      if (paths.isEmpty()) return true;
      for (PathGlob p : paths) if (p.matches(path)) return true;
      return false;
    }

    String describe() {
      return at + " allows " + caller + " " + (methods.isEmpty() ? "every method" : String.join("/", methods.stream().sorted().toList()))
          + (paths.isEmpty() ? "" : " on " + paths.stream().map(PathGlob::toString).toList());
    }
  }

  private static final class Group {
    private static final int MAX_CACHED = 4096;

    final String service;
    final String mode;
    final ProblemType refusal;
    final int size;
    /** Callers whose entry allows everything: their decision, made once. */
    final Map<String, Decision> open;
    /** Callers with restricted entries only, in resource order. */
    final Map<String, List<Entry>> restricted;
    final Map<String, Decision> cache = new ConcurrentHashMap<>();

    Group(String service, String mode, List<Entry> entries) {
      this(service, mode, entries, ProblemType.NOT_IN_GROUP);
    }

    Group(String service, String mode, List<Entry> entries, ProblemType refusal) {
      this.service = service;
      this.mode = mode;
      this.refusal = refusal;
      this.size = entries.size();
      Map<String, Decision> open = new HashMap<>();
      Map<String, List<Entry>> restricted = new LinkedHashMap<>();
      for (Entry e : entries) {
        if (e.unrestricted()) open.put(e.caller(), Decision.allow(e.caller(), service, mode, size));
        else restricted.computeIfAbsent(e.caller(), k -> new ArrayList<>()).add(e);
      }
      restricted.keySet().removeAll(open.keySet());
      this.open = Map.copyOf(open);
      this.restricted = Map.copyOf(restricted);
    }

    Decision decide(String caller, String method, String path) {
      if (mode.equals(ServiceSpec.Access.OFF)) return Decision.allow(caller, service, mode, 0);
      Decision d = open.get(caller);
      if (d != null) return d;
      List<Entry> mine = restricted.get(caller);
      if (mine == null) {
        return Decision.refuse(caller, service, method, path, mode, size, notListed(caller), refusal);
      }
      String key = method + ' ' + path + ' ' + caller;
      d = cache.get(key);
      if (d != null) return d;
      d = null;
      for (Entry e : mine) {
        if (e.allows(method, path)) {
          d = Decision.allow(caller, service, mode, size);
          break;
        }
      }
      if (d == null) {
        d = Decision.refuse(caller, service, method, path, mode, size,
            "the nearest rule, " + mine.get(0).describe() + ", does not cover " + method + " " + path, refusal);
        return d; // refusals carry their own id: not cached
      }
      if (cache.size() >= MAX_CACHED) cache.clear();
      cache.put(key, d);
      return d;
    }

    private String notListed(String caller) {
      List<String> names = new ArrayList<>(open.keySet());
      names.addAll(restricted.keySet());
      names.sort(null);
      String what = refusal == ProblemType.NOT_GRANTED ? "namespace '" + service + "' is not granted to '" + caller + "'"
          : "'" + caller + "' is not in the group of '" + service + "'";
      return what + (names.isEmpty() ? " (the group is empty)" : " (it has " + String.join(", ", names) + ")");
    }
  }
}
