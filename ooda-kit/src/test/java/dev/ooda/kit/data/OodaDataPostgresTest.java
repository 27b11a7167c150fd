package dev.ooda.kit.data;

/** {@link OodaDataTest} on a real PostgreSQL: one schema per namespace. */
class OodaDataPostgresTest extends OodaDataTest {
  @Override
  boolean onPostgres() {
    return true;
  }
}
