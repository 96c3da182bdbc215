package io.demandmonitor.cli;

import io.demandmonitor.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The demand-monitor command line. */
@Command(name = "demand-monitor", mixinStandardHelpOptions = true, version = "demand-monitor 0.1.0",
    description = "Near-real-time monitoring of demand on the council's front doors.",
    subcommands = {RunCommand.class, ReplayCommand.class, SimulateCommand.class, CheckConfigCommand.class, BenchCommand.class, AlertLatencyCommand.class, CommandLine.HelpCommand.class})
public final class DemandMonitorCli {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling: bad configuration is reported plainly, exit code 2. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DemandMonitorCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable cause = e;
      while (cause != null && !(cause instanceof ConfigException)) {
        cause = cause.getCause();
      }
      if (cause != null) {
        commandLine.getErr().println("Configuration error: " + cause.getMessage());
        return 2;
      }
      throw e;
    });
    return cli;
  }
}
