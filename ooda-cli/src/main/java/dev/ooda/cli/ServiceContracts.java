package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `ooda get services`: the usual columns and each service's contracts, a flagged breaking change first. */
final class ServiceContracts {
  private ServiceContracts() {}

  static void table(PrintWriter out, List<Resource> services, ControlClient client) {
    Map<String, List<String>> contracts = new LinkedHashMap<>();
    try {
      for (JsonNode c : client.contracts().get("items")) {
        String cell = c.get("major").asText() + "=" + c.get("version").asText()
            + (c.has("flagSummary") ? " [" + c.get("flagSummary").asText() + "]" : "");
        contracts.computeIfAbsent(c.get("service").asText(), s -> new ArrayList<>()).add(cell);
      }
    } catch (ProblemException e) {
      // An older control plane has no contracts API: the column stays empty.
    }
    List<List<String>> rows = new ArrayList<>(services.stream().map(r -> List.of(r.name(), Long.toString(r.version()),
        String.join(", ", contracts.getOrDefault(r.name(), List.of("-"))), Summary.of(r))).toList());
    // Services register without a Service resource; their contracts are listed all the same.
    java.util.Set<String> named = new java.util.HashSet<>(services.stream().map(Resource::name).toList());
    contracts.forEach((s, cells) -> {
      if (!named.contains(s)) rows.add(List.of(s, "-", String.join(", ", cells), "(no Service resource)"));
    });
    Table.print(out, List.of("NAME", "VERSION", "CONTRACT", "SPEC"), rows);
  }
}
