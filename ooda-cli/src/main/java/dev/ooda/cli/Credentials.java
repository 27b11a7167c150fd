package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "credentials",
    description = {"Issue, list and revoke services' credentials (client id and secret), which services exchange for tokens.",
        "Once a service has a credential, only holders of its token register its instances."},
    subcommands = {Credentials.Create.class, Credentials.ListCredentials.class, Credentials.Revoke.class})
final class Credentials {

  @Command(name = "create", description = {"Issue a credential for SERVICE. The secret is shown once (or written to FILE, mode 600)",
      "and stored only as a hash. Needs an admin token with scope admin."})
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name, e.g. orders.") String service;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write a credentials file (for --credentials or OODA_CREDENTIALS) instead of printing the secret.")
    Path file;

    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode c = client.client().createCredential(service);
      ServiceCredentials creds = new ServiceCredentials(service, c.get("client_id").asText(), c.get("client_secret").asText(),
          TokenSource.tokenUrl(client.server));
      PrintWriter out = spec.commandLine().getOut();
      if (file != null) {
        creds.write(file);
        out.printf("credential %s of %s written to %s (mode 600)%n", creds.clientId(), service, file);
      } else {
        out.printf("client_id:     %s%nclient_secret: %s%ntoken_url:     %s%n", creds.clientId(), creds.clientSecret(), creds.tokenUrl());
        out.println("The secret is not shown again. Give it to the service as OODA_CLIENT_ID and OODA_CLIENT_SECRET.");
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List credentials (never their secrets), of one service or of all. Needs scope read.")
  static final class ListCredentials implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "Only this service's credentials.") String service;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode c : client.client().credentials(service).path("items")) {
        rows.add(List.of(c.get("client_id").asText(), c.get("service").asText(), c.get("created").asText(),
            c.has("revoked") ? "revoked " + c.get("revoked").asText() : "valid"));
      }
      Table.print(spec.commandLine().getOut(), List.of("CLIENT ID", "SERVICE", "CREATED", "STATE"), rows);
      return 0;
    }
  }

  @Command(name = "revoke", description = {"Revoke a credential: it gets no more tokens, and the tokens it got are refused",
      "once verifiers see the revocation (within the JWKS max-age). Needs scope admin."})
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CLIENT_ID", description = "e.g. orders.ab12cd34") String clientId;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode c = client.client().revokeCredential(clientId);
      spec.commandLine().getOut().printf("credential %s of %s revoked%n", clientId, c.get("service").asText());
      return 0;
    }
  }
}
