package dev.ooda.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The platform's roles, each alone in this process, for a cluster; `ooda up` runs them all at once. */
@Command(name = "serve", description = "Run one role alone (control, gateway, traces, data) against a ZooKeeper ensemble.",
    subcommands = {ControlCommand.class, GatewayCommand.class, CollectorCommand.class, DataCommand.class})
final class ServeCommand {

  /**
   * Roles were once top-level commands ({@code ooda control}); that spelling still runs them, with
   * a line naming the new one.
   */
  static void noteOldSpelling(CommandSpec role) {
    CommandSpec parent = role.parent();
    if (parent != null && parent.parent() == null) {
      role.commandLine().getErr().println("note: 'ooda " + role.name() + "' is now 'ooda serve " + role.name() + "'");
      role.commandLine().getErr().flush();
    }
  }
}
