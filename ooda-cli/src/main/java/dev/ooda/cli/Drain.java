package dev.ooda.cli;

import dev.ooda.model.Instance;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "drain", description = "Stop new traffic to an instance while its in-flight requests finish (status DRAINING).")
final class Drain implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SERVICE") String service;
  @Parameters(index = "1", paramLabel = "INSTANCE", description = "The instance id, as `ooda get instances` lists it.") String instance;

  @Option(names = "--undo", description = "Put it back in service (status UP).")
  boolean undo;

  @Mixin ClientOptions client;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Instance i = client.registry().withAdminToken(client.adminToken()).setStatus(service, instance, undo ? Instance.Status.UP : Instance.Status.DRAINING);
    spec.commandLine().getOut().printf("%s instance %s is %s%n", service, i.id(), i.status());
    return 0;
  }
}
