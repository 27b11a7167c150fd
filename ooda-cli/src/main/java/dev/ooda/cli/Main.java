package dev.ooda.cli;

import dev.ooda.model.ProblemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ooda} command. */
@Command(
    name = "ooda",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A microservices platform: gateway, registry, data access, tracing, in one command.",
    subcommands = {Up.class, ControlCommand.class, GatewayCommand.class, TracesCommand.class, DataCommand.class,
        Apply.class, Get.class, Delete.class, Register.class, Drain.class, TraceCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; errors are printed, never thrown. */
  public static int run(String... args) {
    return run(new CommandLine(new Main()), args);
  }

  static int run(CommandLine cl, String... args) {
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ProblemException p) {
        cmd.getErr().println("error: " + p.problem().detail());
        if (p.problem().errors() != null && p.problem().errors().size() > 1) {
          p.problem().errors().forEach(v -> cmd.getErr().println("  - " + v));
        }
        return 1;
      }
      cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    });
    return cl.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ooda " + (v == null ? "dev" : v)};
    }
  }
}
