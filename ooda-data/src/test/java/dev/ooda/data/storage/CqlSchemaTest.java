package dev.ooda.data.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CqlSchemaTest {
  @Test
  void splitsStatementsAtSemicolonsOutsideLiteralsAndComments() {
    List<CqlSchema.Statement> s = CqlSchema.split("""
        -- orders; one partition per customer
        CREATE TABLE orders (id int PRIMARY KEY, note text) WITH comment = 'a; b';
        /* a comment; over
           two lines */
        INSERT INTO "odd;name" (id) VALUES (1);
        CREATE FUNCTION f (x int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$
        // trailing comment;
        """);
    assertThat(s).extracting(CqlSchema.Statement::text).containsExactly(
        "CREATE TABLE orders (id int PRIMARY KEY, note text) WITH comment = 'a; b'",
        "INSERT INTO \"odd;name\" (id) VALUES (1)",
        "CREATE FUNCTION f (x int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$");
    assertThat(s).extracting(CqlSchema.Statement::line).containsExactly(2, 5, 6);
  }

  @Test
  void readsCqlTypesAsTheApiTypes() {
    assertThat(CqlSchema.type("text")).isEqualTo(ColumnType.STRING);
    assertThat(CqlSchema.type("smallint")).isEqualTo(ColumnType.INT);
    assertThat(CqlSchema.type("varint")).isEqualTo(ColumnType.DECIMAL);
    assertThat(CqlSchema.type("timeuuid")).isEqualTo(ColumnType.UUID);
    assertThat(CqlSchema.type("set<text>")).isEqualTo(ColumnType.OTHER);
    assertThat(CqlSchema.type("counter")).isEqualTo(ColumnType.OTHER);
  }
}
