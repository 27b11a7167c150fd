package dev.ooda.kit.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query syntax the builder writes; {@link OodaDataTest} runs such queries on a real data service. */
class QueryTest {
  @Test
  void valuesAreWrittenInTheDataServicesSyntax() {
    Query q = Query.builder()
        .eq("customer", "ann").ne("status", null).gt("total", 10).le("made", Instant.parse("2024-05-01T10:00:00Z"))
        .in("sku", "a,b", "say \"hi\"", "back\\slash").notIn("id", 1, 2).in("none")
        .like("note", "gift*").isNull("shipped").isTrue("active")
        .orderByDesc("total").orderBy("customer").select("id", "_version").limit(50)
        .build();
    assertThat(q.filters()).containsExactly(
        new Query.Filter("customer", "eq.ann"),
        new Query.Filter("status", "not.is.null"),
        new Query.Filter("total", "gt.10"),
        new Query.Filter("made", "le.2024-05-01T10:00:00Z"),
        new Query.Filter("sku", "in.(\"a,b\",\"say \\\"hi\\\"\",\"back\\\\slash\")"),
        new Query.Filter("id", "not.in.(\"1\",\"2\")"),
        new Query.Filter("none", "in.()"),
        new Query.Filter("note", "like.gift*"),
        new Query.Filter("shipped", "is.null"),
        new Query.Filter("active", "is.true"));
    assertThat(q.order()).isEqualTo("total.desc,customer");
    assertThat(q.select()).isEqualTo("id,_version");
    assertThat(q.limit()).isEqualTo(50);
    assertThat(Query.builder().build()).isEqualTo(Query.ALL);
  }

  @Test
  void whatTheDataServiceWouldMisreadIsRefusedHere() {
    assertThatThrownBy(() -> Query.builder().eq("limit", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Query.builder().orderBy("a,b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Query.builder().gt("total", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Query.builder().limit(1001)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Paths.rowKey(List.of(17, "x y"))).isEqualTo("17%2Cx%20y");
    assertThat(Paths.segment("a/b")).isEqualTo("a%2Fb");
    assertThat(Paths.segment("..")).isEqualTo("%2E%2E");
    assertThatThrownBy(() -> Paths.rowKey(List.of(1, "a,b"))).isInstanceOf(IllegalArgumentException.class);
  }
}
