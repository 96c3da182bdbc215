package io.demandmonitor.cli;

import io.demandmonitor.config.ConfigException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The demand-monitor command line. */
@Command(
    name = "demand-monitor",
    mixinStandardHelpOptions = true,
    version = "demand-monitor 0.1.0",
    description = "Near-real-time monitoring of demand on the council's front doors.",
    subcommands = {
      RunCommand.class,
      ReplayCommand.class,
      EvaluateCommand.class,
      SimulateCommand.class,
      CheckConfigCommand.class,
      BenchCommand.class,
      ReplayBenchCommand.class,
      AlertLatencyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class DemandMonitorCli {

  /** Written to the log file only (log4j2.properties): the console gets one line. */
  private static final Logger FAILURES = LoggerFactory.getLogger("io.demandmonitor.failure");

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling: bad configuration is reported plainly, exit code 2;
   * any other failure in one line, exit code 1, with its stack trace in the log file.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DemandMonitorCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          Throwable cause = e;
          while (cause != null && !(cause instanceof ConfigException)) {
            cause = cause.getCause();
          }
          if (cause != null) {
            commandLine.getErr().println("Configuration error: " + cause.getMessage());
            return 2;
          }
          FAILURES.error("demand-monitor {} failed", commandLine.getCommandName(), e);
          String message =
              e.getMessage() != null
                  ? e.getMessage().replaceAll("\\s*\\R\\s*", " ")
                  : JobFailures.describe(e);
          commandLine
              .getErr()
              .println(
                  "demand-monitor "
                      + commandLine.getCommandName()
                      + ": "
                      + message
                      + " (details in "
                      + logFile()
                      + ")");
          return 1;
        });
    cli.setParameterExceptionHandler(DemandMonitorCli::reportBadArguments);
    return cli;
  }

  /**
   * Picocli's own message, except for arguments it does not know: those may be a secret typed where
   * it does not belong (--influx-password X), so only their option names are shown.
   */
  private static int reportBadArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> names = new ArrayList<>();
      int values = 0;
      for (String arg : unmatched.getUnmatched()) {
        if (arg.startsWith("-") && arg.length() > 1) {
          names.add(arg.split("=", 2)[0]);
        } else {
          values++;
        }
      }
      err.println(
          (names.isEmpty()
                  ? "Unexpected arguments"
                  : "Unknown options: " + String.join(", ", names))
              + (values > 0 || unmatched.getUnmatched().stream().anyMatch(a -> a.contains("="))
                  ? " (values not shown)"
                  : ""));
    } else {
      err.println(e.getMessage());
    }
    err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Where Flink's and the commands' log goes (log4j2.properties). */
  static String logFile() {
    return System.getProperty("demand-monitor.log", "out/demand-monitor.log");
  }
}
