package dev.ooda.cli;

import dev.ooda.model.ProblemException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code ooda} command. */
@Command(
    name = "ooda",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT, // -h/--help on every subcommand
    versionProvider = Main.Version.class,
    description = "A microservices platform: gateway, registry, data access, tracing, in one command.")
public final class Main {
  /** Every command, in the order {@code ooda --help} lists them. */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();
  /** Spellings that still run but are not listed: roles were top-level commands, and so was {@code trace deps}. */
  private static final Map<String, Supplier<Object>> OLD_SPELLINGS = new LinkedHashMap<>();

  static {
    COMMANDS.put("up", Up::new);
    COMMANDS.put("demo", Demo::new);
    COMMANDS.put("apply", Apply::new);
    COMMANDS.put("get", Get::new);
    COMMANDS.put("delete", Delete::new);
    COMMANDS.put("secret", SecretCommand::new);
    COMMANDS.put("register", Register::new);
    COMMANDS.put("contract", ContractCommand::new);
    COMMANDS.put("drain", Drain::new);
    COMMANDS.put("credentials", Credentials::new);
    COMMANDS.put("tokens", Tokens::new);
    COMMANDS.put("traces", TracesCommand::new);
    COMMANDS.put("access", AccessCommand::new);
    COMMANDS.put("apikey", ApiKeyCommand::new);
    COMMANDS.put("flags", FlagsCommand::new);
    COMMANDS.put("experiments", ExperimentsCommand::new);
    COMMANDS.put("console", ConsoleCommand::new);
    COMMANDS.put("serve", ServeCommand::new);
    COMMANDS.put("deploy", DeployCommand::new);
    COMMANDS.put("rollback", RollbackCommand::new);
    COMMANDS.put("deployments", DeploymentsCommand::new);
    COMMANDS.put("functions", FunctionsCommand::new);
    COMMANDS.put("agent", AgentCommand::new);
    OLD_SPELLINGS.put("control", ControlCommand::new);
    OLD_SPELLINGS.put("gateway", GatewayCommand::new);
    OLD_SPELLINGS.put("data", DataCommand::new);
    OLD_SPELLINGS.put("trace", TracesCommand.Old::new);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; errors are printed, never thrown. */
  public static int run(String... args) {
    return run(commandLine(args.length > 0 ? args[0] : ""), args);
  }

  /** The whole command tree. */
  static CommandLine commandLine() {
    return commandLine("");
  }

  /**
   * The command tree for a command line whose first word is {@code first}: when that names a
   * command, that command alone, since building every command's model by reflection would be most
   * of a short command's start.
   */
  static CommandLine commandLine(String first) {
    CommandLine cl = new CommandLine(new Main());
    if (COMMANDS.containsKey(first)) {
      cl.addSubcommand(new CommandLine(COMMANDS.get(first).get()));
    } else if (OLD_SPELLINGS.containsKey(first)) {
      cl.addSubcommand(new CommandLine(OLD_SPELLINGS.get(first).get()));
    } else {
      COMMANDS.values().forEach(c -> cl.addSubcommand(new CommandLine(c.get())));
      for (Supplier<Object> old : OLD_SPELLINGS.values()) {
        CommandLine sub = new CommandLine(old.get());
        sub.getCommandSpec().usageMessage().hidden(true);
        cl.addSubcommand(sub);
      }
    }
    return cl;
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
