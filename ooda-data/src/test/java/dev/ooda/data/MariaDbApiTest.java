package dev.ooda.data;

/** The API suite on a real MariaDB, one database per namespace. */
class MariaDbApiTest extends DataApiSuite {
  @Override
  Database startDatabase() throws Exception {
    return Database.mariadb();
  }
}
