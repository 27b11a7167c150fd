package dev.ooda.cli;

import dev.ooda.deploy.Rollouts;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rollback", description = {"Move all of a service's traffic back to the version it came from, at once (it is still running),",
    "then stop the new version with drain."})
final class RollbackCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SERVICE") String service;
  @Mixin ClientOptions client;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var c = client.client();
    spec.commandLine().getOut().println(Rollouts.rollback(c, Rollouts.find(c, service), "manual rollback", null,
        java.time.Clock.systemUTC()));
    return 0;
  }
}
