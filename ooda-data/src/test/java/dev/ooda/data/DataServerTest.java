package dev.ooda.data;

import static dev.ooda.data.DataApiSuite.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Health;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's life: start, namespaces pushed and withdrawn, restart on the same data. */
class DataServerTest {
  @TempDir
  Path dir;

  static Resource ns(String name, String migrations) {
    return ResourceCodec.readYaml("kind: Namespace\nname: " + name + "\nspec:\n  owner: app\n"
        + (migrations == null ? "" : "  migrations:\n" + migrations.indent(4))).get(0);
  }

  static final String ONE = "- {version: 1, table: {name: notes, columns: [{name: id, type: int, key: true}, {name: body, type: text}]}}";

  @Test
  void servesPushedNamespacesAndKeepsTheirDataAcrossRestarts() {
    DataServer.Options opts = DataServer.Options.builder().port(0).dataDir(dir).accessLog(line -> {}).build();
    try (DataServer s = new DataServer(opts)) {
      // Pushed before start: served once started.
      assertThat(s.namespaces(List.of(ns("notes", ONE)))).extracting(NamespaceStatus::state).containsExactly("ready");
      s.start();
      assertThat(s.port()).isPositive();
      Http http = new Http(s.port());
      assertThat(http.post("/v1/namespaces/notes/tables/notes/rows", "{\"id\":1,\"body\":\"kept\"}").status()).isEqualTo(201);
      assertThat(Files.exists(dir.resolve("notes.db"))).isTrue();

      // Withdrawn: no longer served, but its data stays.
      s.namespaces(List.of());
      problem(http.get("/v1/namespaces/notes/tables/notes/rows/1"), 404, "namespace 'notes' not found");
      s.namespaces(List.of(ns("notes", ONE)));
      assertThat(http.get("/v1/namespaces/notes/tables/notes/rows/1").json().path("body").asText()).isEqualTo("kept");
    }
    try (DataServer s = new DataServer(opts).start()) {
      s.namespaces(List.of(ns("notes", ONE)));
      Http http = new Http(s.port());
      assertThat(http.get("/v1/namespaces/notes/tables/notes/rows/1").json().path("body").asText()).isEqualTo("kept");
      assertThat(s.statuses()).extracting(NamespaceStatus::version).containsExactly(1);
    }
  }

  @Test
  void answersUnknownPathsAndMethodsWithProblems() throws Exception {
    try (DataServer s = new DataServer(DataServer.Options.builder().port(0).dataDir(dir).accessLog(line -> {}).build()).start()) {
      Http http = new Http(s.port());
      problem(http.get("/nothing"), 404, "no such path");
      problem(http.patch("/v1/namespaces/x/kv/a", "{}"), 405, "PATCH");
      assertThat(http.get("/v1/namespaces").json().path("namespaces")).isEmpty();
      var health = http.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(ResourceCodec.json().readValue(health.body(), Health.class)).isEqualTo(Health.UP);
      // The request timer counts the requests above, by route pattern.
      assertThat(http.get("/metrics").body()).contains("ooda_data_requests_seconds_count{caller=\"\",method=\"GET\",namespace=\"\",route=\"/v1/namespaces\",status=\"200\"} 1");
    }
  }

  @Test
  void refusesToRewriteAnAppliedMigration() {
    try (DataServer s = new DataServer(DataServer.Options.builder().port(0).dataDir(dir).accessLog(line -> {}).build()).start()) {
      assertThat(s.namespaces(List.of(ns("app", ONE)))).extracting(NamespaceStatus::state).containsExactly("ready");
      String changed = "- {version: 1, table: {name: notes, columns: [{name: id, type: int, key: true}, {name: body, type: string}]}}";
      NamespaceStatus st = s.namespaces(List.of(ns("app", changed))).get(0);
      assertThat(st.state()).isEqualTo(NamespaceStatus.MIGRATION_FAILED);
      assertThat(st.version()).isEqualTo(1);
      assertThat(st.error()).containsIgnoringCase("checksum");
    }
  }

  @Test
  void aNamespaceWhoseNameIsTooLongForADatabaseIsUnavailable() {
    try (DataServer s = new DataServer(DataServer.Options.builder().port(0).dataDir(dir).accessLog(line -> {}).build())) {
      NamespaceStatus st = s.namespaces(List.of(ns("n".repeat(62), null))).get(0);
      assertThat(st.state()).isEqualTo(NamespaceStatus.UNAVAILABLE);
      assertThat(st.error()).contains("at most 60");
    }
  }
}
