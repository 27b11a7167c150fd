package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Namespaces as the data service sees them: storage, database and tables beside what was declared,
 * like Staash's metadata layer. Without a reachable data service, only the declarations.
 */
final class NamespaceTable {
  private NamespaceTable() {}

  static void print(PrintWriter out, List<Resource> items, URI dataUrl) {
    Map<String, JsonNode> live = statuses(dataUrl);
    List<List<String>> rows = new ArrayList<>();
    for (Resource r : items) {
      NamespaceSpec s = r.spec(NamespaceSpec.class);
      JsonNode n = live.get(r.name());
      List<String> tables = new ArrayList<>();
      if (n != null) n.path("tables").forEach(t -> tables.add(t.path("name").asText()));
      rows.add(List.of(r.name(), String.valueOf(s.owner()), s.effectiveBackend(),
          n == null ? "-" : n.path("state").asText(),
          n == null ? "-" : n.path("version").asText(),
          n == null ? "-" : n.path("storage").path("name").asText(),
          n == null ? "-" : n.path("database").asText(),
          tables.isEmpty() ? "-" : String.join(",", tables)));
    }
    Table.print(out, List.of("NAME", "OWNER", "BACKEND", "STATE", "SCHEMA", "STORAGE", "DATABASE", "TABLES"), rows);
    if (live.isEmpty() && !items.isEmpty()) out.println("(data service at " + dataUrl + " not reachable: storage and tables unknown)");
  }

  private static Map<String, JsonNode> statuses(URI dataUrl) {
    Map<String, JsonNode> out = new HashMap<>();
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
          HttpRequest.newBuilder(URI.create(dataUrl + "/v1/namespaces")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        for (JsonNode n : ResourceCodec.json().readTree(r.body()).path("namespaces")) out.put(n.path("name").asText(), n);
      }
    } catch (Exception unreachable) {
      // shown as unknown
    }
    return out;
  }
}
