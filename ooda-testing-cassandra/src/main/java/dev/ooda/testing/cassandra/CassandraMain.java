package dev.ooda.testing.cassandra;

import java.io.IOException;
import java.io.InputStream;

/**
 * The test Cassandra's main class: runs {@code CassandraDaemon} and exits when its standard
 * input closes, that is when the test JVM that started it is gone, even killed, so that no node
 * outlives its test run. Cassandra is on this JVM's classpath only at run time, hence reflection.
 */
public final class CassandraMain {
  private CassandraMain() {}

  public static void main(String[] args) throws Exception {
    Thread watch = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // nothing is sent; only the end of the stream matters
        }
      } catch (IOException ignored) {
        // a broken pipe is the same signal
      }
      Runtime.getRuntime().halt(0);
    }, "test-cassandra-parent-watch");
    watch.setDaemon(true);
    watch.start();
    Class.forName("org.apache.cassandra.service.CassandraDaemon").getMethod("main", String[].class).invoke(null, (Object) args);
  }
}
