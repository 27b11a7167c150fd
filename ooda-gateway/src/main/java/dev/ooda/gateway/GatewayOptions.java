package dev.ooda.gateway;

import dev.ooda.gateway.resilience.OriginLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a gateway runs. Start from {@link #defaults()} and change what you need.
 *
 * @param host           address to bind both ports to. Default {@code 0.0.0.0}.
 * @param port           the proxy port; 0 picks a free one. Default 8080.
 * @param managementPort /metrics, /health and /routes; 0 picks a free one. Default 8081.
 * @param limits         per-origin and gateway-wide limits, see {@link OriginLimits}.
 * @param accessLog      one JSON line per request on the SLF4J logger {@code ooda.access}. Default on.
 * @param snapshotFile   where the last routes and instances are kept, so that a restarted gateway
 *                       serves them before the control plane is reachable; null for none.
 * @param zipkinUrl      Zipkin v2 collector, e.g. {@code http://127.0.0.1:9411} (a URL without a path
 *                       gets {@code /api/v2/spans}); null reports no spans.
 * @param ioThreads      event loops; 0 means one per core.
 * @param maxHeaderSize  bytes of request headers; past it 431. Default 16 KiB.
 * @param maxBodySize    bytes of request body; past it 413. Default 16 MiB.
 * @param h2c            accept HTTP/2 over cleartext (prior knowledge and Upgrade). Default on.
 * @param tls            a TLS port beside the cleartext one, or null for none (the default).
 * @param requestHeadTimeout a client connection whose request head is not complete this long after
 *                       its first byte is closed (slowloris). Default 30s.
 * @param clientIdleTimeout a client connection with no request in flight is closed after this long
 *                       (HTTP/2: without any frame read). Default 60s.
 * @param tracesPerSecond new traces sampled per second, beyond which none are, for routes without a
 *                       {@code sampleRate} of their own; a caller's sampling decision is kept. Default 10.
 */
public record GatewayOptions(
    String host, int port, int managementPort, OriginLimits limits, boolean accessLog, Path snapshotFile,
    String zipkinUrl, int ioThreads, int maxHeaderSize, long maxBodySize, boolean h2c, TlsOptions tls,
    Duration requestHeadTimeout, Duration clientIdleTimeout, int tracesPerSecond) {

  public static GatewayOptions defaults() {
    return new GatewayOptions("0.0.0.0", 8080, 8081, OriginLimits.DEFAULT, true, null, null, 0, 16 * 1024, 16L << 20, true, null,
        Duration.ofSeconds(30), Duration.ofSeconds(60), 10);
  }

  /** Both ports picked free on 127.0.0.1: for tests and embedding. */
  public static GatewayOptions ephemeral() {
    return defaults().withHost("127.0.0.1").withPort(0).withManagementPort(0);
  }

  public GatewayOptions withHost(String v) {
    return new GatewayOptions(v, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withPort(int v) {
    return new GatewayOptions(host, v, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withManagementPort(int v) {
    return new GatewayOptions(host, port, v, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withLimits(OriginLimits v) {
    return new GatewayOptions(host, port, managementPort, v, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withAccessLog(boolean v) {
    return new GatewayOptions(host, port, managementPort, limits, v, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withSnapshotFile(Path v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, v, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withZipkinUrl(String v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, v, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withIoThreads(int v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, v, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withMaxHeaderSize(int v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, v, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withMaxBodySize(long v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, v, h2c, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withH2c(boolean v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, v, tls, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withTls(TlsOptions v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, v, requestHeadTimeout, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withRequestHeadTimeout(Duration v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, v, clientIdleTimeout, tracesPerSecond);
  }

  public GatewayOptions withClientIdleTimeout(Duration v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, v, tracesPerSecond);
  }

  public GatewayOptions withTracesPerSecond(int v) {
    return new GatewayOptions(host, port, managementPort, limits, accessLog, snapshotFile, zipkinUrl, ioThreads, maxHeaderSize, maxBodySize, h2c, tls, requestHeadTimeout, clientIdleTimeout, v);
  }
}
