package dev.ooda.data;

/** The API suite on a real PostgreSQL, one schema per namespace. */
class PostgresApiTest extends DataApiSuite {
  @Override
  Database startDatabase() throws Exception {
    return Database.postgres();
  }
}
