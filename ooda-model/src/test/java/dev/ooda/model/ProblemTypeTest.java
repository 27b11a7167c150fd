package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ProblemTypeTest {

  @Test
  void everyTypeAndSlugIsUnique() {
    List<String> types = Arrays.stream(ProblemType.values()).map(ProblemType::type).toList();
    assertThat(types).doesNotHaveDuplicates().allMatch(t -> t.startsWith(ProblemType.PREFIX));
    assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::slug))
        .doesNotHaveDuplicates()
        .allMatch(s -> s.matches("[a-z]+(-[a-z]+)*"))
        .noneMatch(s -> s.startsWith("http-"));
  }

  @Test
  void theDocsListEveryTypeOnceWithItsStatusAndTitle() throws IOException {
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/problems.md");
    List<String> rows = Files.readAllLines(doc).stream().filter(l -> l.startsWith("| `urn:ooda:problem:")).toList();
    for (ProblemType t : ProblemType.values()) {
      List<String> listed = rows.stream().filter(r -> r.startsWith("| `" + t.type() + "` |")).toList();
      assertThat(listed).as(t.type()).hasSize(1);
      assertThat(listed.get(0)).startsWith("| `" + t.type() + "` | " + t.status() + " | " + t.title() + " | ");
    }
    // and nothing more: each row is a catalogue entry, or the http-<status> family
    assertThat(rows).hasSize(ProblemType.values().length + 1);
  }

  @Test
  void aBareStatusTakesItsGeneralTypeOrTheHttpFamily() {
    assertThat(Problem.ofStatus(404, "Not Found", "no such path").is(ProblemType.NOT_FOUND)).isTrue();
    assertThat(Problem.ofStatus(405, "Method Not Allowed", "x").type()).isEqualTo("urn:ooda:problem:method-not-allowed");
    Problem teapot = Problem.ofStatus(418, "I'm a teapot", "short and stout");
    assertThat(teapot.type()).isEqualTo("urn:ooda:problem:http-418");
    assertThat(teapot.title()).isEqualTo("I'm a teapot");
    assertThat(teapot.status()).isEqualTo(418);
    for (ProblemType t : ProblemType.values()) {
      ProblemType general = ProblemType.forStatus(t.status());
      if (general != null) assertThat(general.status()).isEqualTo(t.status());
    }
  }

  @Test
  void aFailureBecomesItsOwnProblemOrInvalidOrInternal() {
    Problem conflict = Problem.conflict("stale");
    assertThat(Problem.from(new CompletionException(new RuntimeException(conflict.toException())))).isEqualTo(conflict);
    Problem invalid = Problem.from(new ExecutionException(new IllegalArgumentException("port must be 1..65535")));
    assertThat(invalid.is(ProblemType.INVALID)).isTrue();
    assertThat(invalid.detail()).isEqualTo("port must be 1..65535");
    Problem internal = Problem.from(new CompletionException(new IllegalStateException("secret table x")));
    assertThat(internal.is(ProblemType.INTERNAL)).isTrue();
    assertThat(internal.status()).isEqualTo(500);
    assertThat(internal.detail()).contains("IllegalStateException").doesNotContain("secret");
  }

  @Test
  void aProblemCarriesItsCatalogueEntry() {
    Problem p = Problem.of(ProblemType.NO_ROUTE, "no route takes GET /x");
    assertThat(p).isEqualTo(new Problem("urn:ooda:problem:no-route", "No route", 404, "no route takes GET /x", List.of()));
    assertThat(p.slug()).isEqualTo("no-route");
    assertThat(p.is(ProblemType.NO_ROUTE)).isTrue();
    assertThat(p.is(ProblemType.NOT_FOUND)).isFalse();
  }
}
