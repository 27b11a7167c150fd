package dev.ooda.control.contracts;

import dev.ooda.contracts.CallerSource;
import dev.ooda.contracts.CallerUse;
import dev.ooda.contracts.Callers;
import dev.ooda.contracts.ContractChange;
import dev.ooda.contracts.ContractDiff;
import dev.ooda.contracts.ContractVersions;
import dev.ooda.contracts.OpenApiDocument;
import dev.ooda.contracts.StoredContract;
import dev.ooda.control.ResourceStore;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Kinds;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServiceSpec;
import dev.ooda.model.Violation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule that an API, once published, is not broken within its major version. Each contract a
 * version brings (with its registration or from CI) is compared with the active contract of its
 * major version; the service's {@code spec.contract} policy decides what a breaking change does
 * (see {@link ServiceSpec.Contract}). Callers of the broken operations come from a
 * {@link CallerSource}, the span collector once one is known.
 */
public final class Contracts {
  private static final Logger log = LoggerFactory.getLogger(Contracts.class);
  /** Where breaking changes that were let through are recorded. */
  private static final Logger audit = LoggerFactory.getLogger("ooda.audit");
  private static final int ATTEMPTS = 5;

  private final ContractStore contracts;
  private final ResourceStore resources;
  private final Clock clock;
  private volatile CallerSource callers = CallerSource.NONE;
  private volatile boolean callersKnown;

  public Contracts(ContractStore contracts, ResourceStore resources, Clock clock) {
    this.contracts = contracts;
    this.resources = resources;
    this.clock = clock;
  }

  /** Reads callers from {@code source} from now on (the span collector, once it is up). */
  public void useCallers(CallerSource source) {
    this.callers = source;
    this.callersKnown = source != null && source != CallerSource.NONE;
  }

  public ContractStore store() {
    return contracts;
  }

  /**
   * Takes the contract {@code text} (OpenAPI 3, YAML or JSON) of {@code version} of {@code service},
   * or refuses it.
   *
   * @throws InvalidResourceException when the document or the names are not valid
   * @throws ProblemException         {@code contract-breaking} when the policy refuses it
   */
  public Admission admit(String service, String version, String text, String source) {
    checkName(service);
    String bad = ContractVersions.problem(version);
    if (bad != null && version != null) throw new InvalidResourceException(List.of(Violation.of("version", bad)));
    OpenApiDocument doc = OpenApiDocument.parse(text);
    String v = version == null ? ContractVersions.UNVERSIONED : version;
    String major = ContractVersions.major(version);
    ServiceSpec.Contract policy = policy(service);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ContractStore.Versioned> current = contracts.active(service, major);
      StoredContract next = new StoredContract(service, major, v, clock.millis(), source, doc.json(), null)
          .dating(current.map(ContractStore.Versioned::contract).orElse(null));
      if (current.isEmpty()) {
        if (contracts.activate(next, -1)) return answer(Admission.Outcome.FIRST, next, v, policy, List.of(), List.of(), null);
        continue;
      }
      StoredContract active = current.get().contract();
      int at = current.get().zkVersion();
      if (active.document().equals(doc.json())) {
        return answer(Admission.Outcome.UNCHANGED, next, active.version(), policy, List.of(), List.of(), null);
      }
      List<ContractChange> changes = ContractDiff.between(active.parsed(), doc);
      if (ContractVersions.compare(v, active.version()) < 0) {
        // An older version (an instance of it restarting): it was checked when it came; the newer contract stays.
        contracts.remember(next);
        return answer(Admission.Outcome.OLDER, next, active.version(), policy, changes, List.of(), null);
      }
      List<ContractChange> breaking = changes.stream().filter(ContractChange::breaking).toList();
      if (breaking.isEmpty()) {
        // The major's flag stays: what was let through is still broken for callers of the older versions.
        next = next.withFlag(active.flag());
        if (contracts.activate(next, at)) return answer(Admission.Outcome.COMPATIBLE, next, v, policy, changes, List.of(), null);
        continue;
      }
      String mode = policy.effectiveMode();
      if (mode.equals(ServiceSpec.Contract.OFF)) {
        if (contracts.activate(next, at)) {
          return answer(Admission.Outcome.BREAKING_UNCHECKED, next, v, policy, changes, withCallers(breaking, List.of()), null);
        }
        continue;
      }
      String note = null;
      List<CallerUse> used;
      boolean usesKnown;
      try {
        used = Callers.of(callers, service, active.parsed(), policy.effectiveWindow());
        usesKnown = callersKnown;
        if (!usesKnown) note = "no span collector is known to the control plane: callers cannot be told";
      } catch (RuntimeException e) {
        used = List.of();
        usesKnown = false;
        note = "callers could not be read: " + e.getMessage();
      }
      List<Admission.Breaking> report = withCallers(breaking, used);
      if (mode.equals(ServiceSpec.Contract.WARN)) {
        StoredContract flagged = next.withFlag(new StoredContract.Flag(v, "warn", breaking));
        if (contracts.activate(flagged, at)) {
          audit.info(auditLine(service, v, active.version(), "warn", report));
          return answer(Admission.Outcome.BREAKING_WARNED, flagged, v, policy, changes, report, note);
        }
        continue;
      }
      boolean unused = usesKnown && report.stream().allMatch(b -> b.callers().isEmpty());
      if (policy.effectiveUnusedOk() && unused) {
        StoredContract flagged = next.withFlag(new StoredContract.Flag(v, "unused", breaking));
        if (contracts.activate(flagged, at)) {
          audit.info(auditLine(service, v, active.version(), "unused", report));
          return answer(Admission.Outcome.BREAKING_UNUSED, flagged, v, policy, changes, report, note);
        }
        continue;
      }
      log.info("contract of {} {} from {}: refused, {} breaking changes to {}", service, v, source, report.size(), active.version());
      throw refusal(service, v, major, active.version(), report, policy, note);
    }
    throw new ProblemException(Problem.of(ProblemType.CONFLICT,
        "the contract of " + service + " " + major + " kept changing while " + v + " was checked; try again"));
  }

  /**
   * Refuses Route documents whose {@code respond.fromContract} names a contract, operation or
   * example that does not exist, so that a stub never answers from nothing.
   *
   * @throws InvalidResourceException naming each such route
   */
  public void checkRouteReferences(List<dev.ooda.model.Resource> docs) {
    List<Violation> bad = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      dev.ooda.model.Resource r = docs.get(i);
      if (!r.kind().equals(Kinds.ROUTE.name())) continue;
      dev.ooda.model.RouteSpec.Respond respond = r.spec(dev.ooda.model.RouteSpec.class).respond();
      if (respond == null || !respond.fromContractExample()) continue;
      String problem = exampleProblem(respond);
      if (problem != null) bad.add(new Violation(i + 1, r.ref(), "spec.respond", problem));
    }
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
  }

  /** Why {@code respond} has no example to answer with, or null when it has one. */
  private String exampleProblem(dev.ooda.model.RouteSpec.Respond respond) {
    String service = respond.fromContract();
    StoredContract c = respond.version() != null
        ? contracts.active(service, ContractVersions.major(respond.version())).map(ContractStore.Versioned::contract).orElse(null)
        : newest(contracts.actives(service));
    if (c == null) {
      return "service " + service + " has no contract" + (respond.version() == null ? "" : " for " + ContractVersions.major(respond.version()))
          + "; push one first (ooda contract push)";
    }
    var op = c.parsed().operation(respond.operation());
    if (op == null) return "the contract of " + service + " " + c.version() + " has no operation " + respond.operation();
    if (op.example() == null) {
      return "operation " + respond.operation() + " of " + service + " " + c.version() + " has no example in a 2xx response";
    }
    return null;
  }

  /** The active contract of the highest major version: v10 after v9, numbered majors after named ones. */
  public static StoredContract newest(List<StoredContract> actives) {
    StoredContract best = null;
    for (StoredContract c : actives) {
      if (best == null || majorNumber(c.major()) > majorNumber(best.major())) best = c;
    }
    return best;
  }

  private static long majorNumber(String major) {
    return major.matches("v\\d{1,9}") ? Long.parseLong(major.substring(1)) : -1;
  }

  /** The policy of {@code service}: its Service resource's {@code spec.contract}, or the default. */
  ServiceSpec.Contract policy(String service) {
    return resources.get(Kinds.SERVICE, service).map(r -> r.spec(ServiceSpec.class).effectiveContract())
        .orElse(ServiceSpec.Contract.DEFAULT);
  }

  /** The callers of {@code service}'s operations in its active contract of {@code major} within its window. */
  public List<CallerUse> callers(String service, StoredContract contract) {
    return Callers.of(callers, service, contract.parsed(), policy(service).effectiveWindow());
  }

  public boolean callersKnown() {
    return callersKnown;
  }

  static void checkName(String service) {
    String bad = Names.problem(service);
    if (bad != null) throw new InvalidResourceException(List.of(Violation.of("service", bad)));
  }

  private static List<Admission.Breaking> withCallers(List<ContractChange> breaking, List<CallerUse> used) {
    List<Admission.Breaking> out = new ArrayList<>();
    for (ContractChange c : breaking) out.add(Admission.Breaking.of(c, Callers.of(used, c.method(), c.path())));
    return out;
  }

  private Admission answer(String outcome, StoredContract c, String active, ServiceSpec.Contract policy,
                           List<ContractChange> changes, List<Admission.Breaking> breaking, String note) {
    if (!outcome.equals(Admission.Outcome.UNCHANGED)) {
      log.info("contract of {} {} from {}: {} ({} changes, {} breaking)", c.service(), c.version(), c.source(), outcome,
          changes.size(), breaking.size());
    }
    return new Admission(outcome, c.service(), c.major(), c.version(), active, policy.effectiveMode(), changes, breaking, note);
  }

  private static ProblemException refusal(String service, String version, String major, String active,
                                          List<Admission.Breaking> report, ServiceSpec.Contract policy, String note) {
    List<Violation> errors = new ArrayList<>();
    for (Admission.Breaking b : report) errors.add(Violation.of(b.method() + " " + b.path(), b.what() + "; " + callers(b.callers())));
    String why = policy.effectiveUnusedOk()
        ? (note != null ? note : "callers used the operations it breaks within the last " + window(policy.effectiveWindow()))
        : "the contract mode of " + service + " is enforce";
    String detail = service + " " + version + " breaks the contract of " + major + " (active: " + active + ") with "
        + report.size() + (report.size() == 1 ? " breaking change" : " breaking changes") + ": "
        + String.join("; ", errors.stream().map(Violation::toString).toList())
        + ". " + why + "; publish it as a new major version, which runs beside " + major + ".";
    Problem p = Problem.of(ProblemType.CONTRACT_BREAKING, detail);
    return new ProblemException(new Problem(p.type(), p.title(), p.status(), detail, errors));
  }

  /** {@code 7d} rather than {@code 168h}. */
  static String window(java.time.Duration d) {
    return d.toMillis() % 86_400_000 == 0 ? d.toDays() + "d" : dev.ooda.model.Durations.format(d);
  }

  /** {@code orders 42 requests, last 2026-12-03T10:15:00Z; gateway 3 requests, ...} or {@code no callers}. */
  static String callers(List<CallerUse> uses) {
    if (uses.isEmpty()) return "no callers in the window";
    Map<String, String> by = new LinkedHashMap<>();
    for (CallerUse u : uses) {
      by.put(u.caller(), u.caller() + " " + u.requests() + (u.requests() == 1 ? " request" : " requests")
          + ", last " + Instant.ofEpochMilli(u.lastSeenMillis()));
    }
    return "called by " + String.join("; ", by.values());
  }

  private static String auditLine(String service, String version, String active, String reason, List<Admission.Breaking> report) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", Instant.now().toString());
    line.put("event", "contract-breaking-allowed");
    line.put("service", service);
    line.put("version", version);
    line.put("replaces", active);
    line.put("reason", reason);
    line.put("breaking", report);
    try {
      // One line per event, as the audit log has it.
      return ResourceCodec.json().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
