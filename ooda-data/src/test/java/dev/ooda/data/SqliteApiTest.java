package dev.ooda.data;

/** The API suite on SQLite files in the data directory. */
class SqliteApiTest extends DataApiSuite {
  @Override
  Database startDatabase() {
    return Database.sqlite();
  }
}
