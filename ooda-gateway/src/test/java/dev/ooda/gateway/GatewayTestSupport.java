package dev.ooda.gateway;

import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Starts gateways and origins for a test and stops them after it. */
abstract class GatewayTestSupport {
  protected final List<AutoCloseable> closeables = new ArrayList<>();
  protected final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  protected GatewayServer gateway() {
    return gateway(GatewayOptions.builder().ephemeral().ioThreads(2).build());
  }

  protected GatewayServer gateway(GatewayOptions options) {
    GatewayServer g = new GatewayServer(options).start();
    closeables.add(0, g);
    return g;
  }

  protected TestOrigin origin(String name) throws IOException {
    TestOrigin o = new TestOrigin(name);
    closeables.add(o);
    return o;
  }

  static List<Resource> yaml(String text) {
    return ResourceCodec.readYaml(text);
  }

  protected HttpResponse<String> get(GatewayServer g, String path, String... headers) throws Exception {
    return send(g, "GET", path, null, headers);
  }

  protected HttpResponse<String> send(GatewayServer g, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  protected HttpResponse<String> management(GatewayServer g, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.managementPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) c.close();
    closeables.clear();
  }
}
