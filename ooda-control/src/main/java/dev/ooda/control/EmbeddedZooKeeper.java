package dev.ooda.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A single-node ZooKeeper inside this JVM, for a platform on one machine. Its data lives under
 * {@code dataDir}, so resources survive restarts; transactions are fsynced before they are
 * acknowledged, so a stop at any moment loses nothing acknowledged.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private final ZooKeeperServerEmbedded server;
  private final String connectString;

  private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, String connectString) {
    this.server = server;
    this.connectString = connectString;
  }

  /** Starts a server on 127.0.0.1:{@code port} (0 picks a free port) with its data under {@code dataDir}. */
  public static EmbeddedZooKeeper start(Path dataDir, int port) throws Exception {
    Path base = dataDir.resolve("zookeeper");
    Files.createDirectories(base.resolve("data"));
    if (port == 0) port = Ports.free();
    Properties p = new Properties();
    p.setProperty("clientPort", Integer.toString(port));
    p.setProperty("clientPortAddress", "127.0.0.1");
    p.setProperty("dataDir", base.resolve("data").toAbsolutePath().toString());
    p.setProperty("tickTime", "2000");
    p.setProperty("initLimit", "10");
    p.setProperty("syncLimit", "5");
    p.setProperty("maxSessionTimeout", "60000");
    p.setProperty("admin.enableServer", "false");
    p.setProperty("4lw.commands.whitelist", "ruok,srvr,mntr");
    p.setProperty("autopurge.snapRetainCount", "3");
    p.setProperty("autopurge.purgeInterval", "1");
    ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
        .baseDir(base)
        .configuration(p)
        .exitHandler(ExitHandler.LOG_ONLY)
        .build();
    server.start(30_000);
    return new EmbeddedZooKeeper(server, "127.0.0.1:" + port);
  }

  public String connectString() {
    return connectString;
  }

  @Override
  public void close() {
    server.close();
  }
}
