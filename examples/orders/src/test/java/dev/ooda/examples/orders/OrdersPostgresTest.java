package dev.ooda.examples.orders;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** {@link OrdersTest} with the namespace in a real PostgreSQL. */
class OrdersPostgresTest extends OrdersTest {
  @Override
  String[] storage() throws Exception {
    EmbeddedPostgres pg = add(EmbeddedPostgres.builder().start());
    return new String[] {"postgres", "postgresql://postgres:pw@127.0.0.1:" + pg.getPort() + "/postgres"};
  }
}
