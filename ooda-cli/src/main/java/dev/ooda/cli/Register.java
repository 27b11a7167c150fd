package dev.ooda.cli;

import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.Instance;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "register",
    description = {"Register a running process, written in any language, as an instance of SERVICE.",
        "Keeps its lease alive until stopped (Ctrl-C or SIGTERM), then deregisters it. If the control node",
        "it talks to restarts, the next heartbeat registers the instance again under the same id."})
final class Register implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name, e.g. catalog.")
  String service;

  // Its own help option: the inherited -V/--version would clash with the service version below.
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--version", required = true, paramLabel = "V", description = "The version it runs, e.g. v2 or 1.4.0.")
  String version;

  @Option(names = "--url", required = true, paramLabel = "http://HOST:PORT", description = "Where it serves.")
  URI url;

  @Option(names = "--health", paramLabel = "/PATH", description = "Its HTTP health check path, for the gateways' checks.")
  String health;

  @Option(names = "--zone", paramLabel = "Z", description = "Where it runs, for zone-aware balancing.")
  String zone;

  @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "A label; repeat for more.")
  Map<String, String> metadata = new HashMap<>();

  @Option(names = "--openapi", paramLabel = "FILE",
      description = {"The OpenAPI 3 document (YAML or JSON) of this version: checked against the active contract of its",
          "major version first (see docs/contracts.md); a refused contract registers nothing."})
  String openapi;

  @Option(names = "--starting", description = "Register it STARTING (no traffic) instead of UP.")
  boolean starting;

  @Option(names = "--credentials", paramLabel = "FILE",
      description = {"The service's credentials file (from `ooda credentials create SERVICE -o FILE`); without it, the",
          "environment's OODA_CREDENTIALS, or OODA_CLIENT_ID and OODA_CLIENT_SECRET. Needed once SERVICE has a credential."})
  Path credentials;

  @Mixin ClientOptions client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    InstanceRegistration r = new InstanceRegistration(version, host(), port(), zone, labels(), health, starting ? Instance.Status.STARTING : null);
    RegistryClient registry = client.registry();
    ServiceCredentials creds = ServiceCredentials.find(credentials, System.getenv()).orElse(null);
    TokenSource tokens = null;
    if (creds != null) {
      if (!creds.service().equals(service)) {
        throw new ParameterException(spec.commandLine(), "the credentials are of service " + creds.service() + ", not " + service);
      }
      tokens = TokenSource.forCredentials(creds);
      registry = registry.withTokens(tokens);
    }
    InstanceLease lease;
    try {
      lease = registry.register(service, r, openapi == null ? null : ContractCommand.read(spec, openapi));
    } catch (RuntimeException e) {
      if (tokens != null) tokens.close();
      throw e;
    }
    TokenSource held = tokens;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      lease.close();
      if (held != null) held.close();
      out.printf("deregistered %s instance %s%n", service, lease.id());
      out.flush();
      stopped.countDown();
    }, "ooda-deregister"));
    if (lease.contract() != null) ContractCommand.printAdmission(out, lease.contract());
    Instance i = lease.instance();
    out.printf("registered %s instance %s at %s, %s; stop with Ctrl-C to deregister%n",
        service, i.id(), i.authority(), i.status());
    out.flush();
    stopped.await();
    return 0;
  }

  private String host() {
    if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https")) || url.getHost() == null) {
      throw new ParameterException(spec.commandLine(), "--url '" + url + "' must be http://HOST:PORT or https://HOST:PORT");
    }
    if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
      throw new ParameterException(spec.commandLine(), "--url '" + url + "' must not have a path; give the health check path with --health");
    }
    return url.getHost();
  }

  private int port() {
    return url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
  }

  private Map<String, String> labels() {
    Map<String, String> m = new HashMap<>(metadata);
    if ("https".equals(url.getScheme())) m.put("scheme", "https");
    return m;
  }
}
