package dev.ooda.testing.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Cassandra for tests, in a JVM of its own: cassandra-all brings Netty 4.1,
 * which cannot share a classpath with ooda's Netty 4.2. {@link #shared()} starts it once per
 * test JVM (the first caller pays the ~10-20 s start) and a shutdown hook stops it and deletes
 * its files; should the test JVM die without it, the node exits when its standard input closes
 * ({@link CassandraMain}). It listens on loopback only, on ephemeral ports. Only JDK classes are used here, so
 * that tests can depend on this module with all of its dependencies excluded.
 */
public final class TestCassandra implements AutoCloseable {
  /** The datacenter of a node under {@code SimpleSnitch}. */
  public static final String DATACENTER = "datacenter1";
  public static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /** What Cassandra 5.0 needs opened on Java 17 (its conf/jvm17-server.options). */
  private static final List<String> JAVA17_OPTIONS = List.of(
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/java.math=ALL-UNNAMED",
      "--add-opens", "java.base/java.net=ALL-UNNAMED");

  private static TestCassandra shared;

  private final Path dir;
  private final Process process;
  private final int port;

  private TestCassandra(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** The Cassandra of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized TestCassandra shared() {
    if (shared == null) {
      TestCassandra c = start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::close, "test-cassandra-stop"));
      shared = c;
    }
    return shared;
  }

  /** Starts a node and waits until it answers CQL connections. */
  public static TestCassandra start() {
    try {
      Path dir = Files.createTempDirectory("ooda-cassandra");
      int storagePort = freePort();
      int nativePort = freePort();
      Path yaml = dir.resolve("cassandra.yaml");
      Files.writeString(yaml, config(dir, storagePort, nativePort));
      String classpath = classpath();
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC", "-Xss512k", "-Djava.net.preferIPv4Stack=true"));
      cmd.addAll(JAVA17_OPTIONS);
      for (String entry : classpath.split(java.io.File.pathSeparator)) {
        if (entry.contains("jamm")) cmd.add("-javaagent:" + entry);  // object sizes for memtables
      }
      cmd.addAll(List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "-Dcassandra.config=" + yaml.toUri(),
          "-Dcassandra.storagedir=" + dir,
          "-Dcassandra-foreground=yes",
          "-Dcassandra.skip_wait_for_gossip_to_settle=0",
          "-Dcassandra.superuser_setup_delay_ms=0",
          "-Dcassandra.ring_delay_ms=0",
          "-Dcassandra.native.epoll.enabled=false",
          // No fsync of the system tables: schema changes (a keyspace per test namespace) go faster.
          "-Dcassandra.unsafesystem=true",
          "-Dlogback.configurationFile=" + logback(dir).toUri(),
          "-cp", ownLocation() + java.io.File.pathSeparator + classpath,
          CassandraMain.class.getName()));
      Process p = new ProcessBuilder(cmd)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("cassandra.log").toFile())
          .start();
      TestCassandra c = new TestCassandra(dir, p, nativePort);
      try {
        c.awaitNativeTransport();
      } catch (RuntimeException e) {
        c.close();
        throw e;
      }
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test Cassandra", e);
    }
  }

  public String host() {
    return HOST;
  }

  /** The CQL (native transport) port. */
  public int port() {
    return port;
  }

  /** {@code host:port}, as a contact point. */
  public String contactPoint() {
    return HOST + ":" + port;
  }

  public String datacenter() {
    return DATACENTER;
  }

  /** The node's log so far, for a failure message. */
  public String log() {
    try {
      return Files.readString(dir.resolve("cassandra.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }

  /** The native transport opens last, once the node has joined its ring and can answer CQL. */
  private void awaitNativeTransport() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the test Cassandra exited with " + process.exitValue() + ":\n" + tail(log()));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 500);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(250, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the test Cassandra", e);
        }
      }
    }
    throw new IllegalStateException("the test Cassandra did not open its CQL port within " + START_TIMEOUT + ":\n" + tail(log()));
  }

  private static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  private static String classpath() throws IOException {
    try (InputStream in = TestCassandra.class.getResourceAsStream("classpath.txt")) {
      if (in == null) throw new IllegalStateException("classpath.txt missing: build ooda-testing-cassandra with Maven first");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  /** This module's classes (a jar, or target/classes in a reactor build), for {@link CassandraMain}. */
  private static String ownLocation() {
    try {
      return Path.of(TestCassandra.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate ooda-testing-cassandra's classes", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  /** One node owning the whole ring: {@code num_tokens: 1}, {@code initial_token: 0}. */
  private static String config(Path dir, int storagePort, int nativePort) {
    return String.join("\n",
        "cluster_name: ooda-test",
        "num_tokens: 1",
        "initial_token: 0",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "listen_address: " + HOST,
        "rpc_address: " + HOST,
        "storage_port: " + storagePort,
        "native_transport_port: " + nativePort,
        "start_native_transport: true",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + HOST + ":" + storagePort + "\"",
        "data_file_directories: [" + dir.resolve("data") + "]",
        "commitlog_directory: " + dir.resolve("commitlog"),
        "saved_caches_directory: " + dir.resolve("saved_caches"),
        "hints_directory: " + dir.resolve("hints"),
        "cdc_raw_directory: " + dir.resolve("cdc_raw"),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "disk_access_mode: mmap_index_only",
        "authenticator: AllowAllAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "dynamic_snitch: false",
        "concurrent_reads: 4",
        "concurrent_writes: 4",
        "concurrent_counter_writes: 2",
        "concurrent_materialized_view_writes: 2",
        "compaction_throughput: 0MiB/s",
        "user_defined_functions_enabled: false",
        "materialized_views_enabled: false",
        "sasi_indexes_enabled: true",  // Zipkin's trace schema searches through SASI indexes
        "") ;
  }

  private static Path logback(Path dir) throws IOException {
    Path f = dir.resolve("logback.xml");
    Files.writeString(f, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="OUT"/></root>
          <logger name="org.apache.cassandra.service.CassandraDaemon" level="INFO"/>
        </configuration>
        """);
    return f;
  }
}
