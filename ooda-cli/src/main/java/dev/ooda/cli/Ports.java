package dev.ooda.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

final class Ports {
  private Ports() {}

  /** Fails early, naming the flag, when a port is out of range or taken. */
  static void check(String flag, int port) {
    if (port < 0 || port > 65535) throw new IllegalArgumentException(flag + " " + port + " is not a port (0-65535)");
    if (port == 0) return;
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalArgumentException("port " + port + " is already in use; choose another with " + flag);
    }
  }
}
