package io.demandmonitor.cli;

import io.demandmonitor.sink.InfluxOutage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Follows the embedded job's failures in Flink's own log, which is the only place the embedded
 * runtime reports them: the cause of each task failure, and each restart of the job. The full stack
 * traces stay in the log file; the console gets one line per restart, and the lines of an InfluxDB
 * outage the job rides out ({@link InfluxOutage}).
 */
final class JobFailures extends AbstractAppender {

  /**
   * The logger of Flink's execution graph: task and job state changes, failures with their
   * exception.
   */
  private static final String GRAPH_LOGGER =
      "org.apache.flink.runtime.executiongraph.ExecutionGraph";

  /** The loggers followed: Flink's execution graph, and the InfluxDB outage notices. */
  private static final List<String> FOLLOWED = List.of(GRAPH_LOGGER, InfluxOutage.LOGGER);

  private final Consumer<String> console;
  private volatile String lastCause = "unknown cause";
  private volatile int restarts;
  private final List<String> ownConfigs = new ArrayList<>(); // logger configs follow() added

  private JobFailures(Consumer<String> console) {
    super("job-failures", null, null, true, Property.EMPTY_ARRAY);
    this.console = console;
  }

  /**
   * Starts following; null when the logging is not Log4j 2 (then restarts are only in Flink's log).
   */
  static JobFailures follow(Consumer<String> console) {
    if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
      return null;
    }
    JobFailures appender = new JobFailures(console);
    appender.start();
    FOLLOWED.forEach(logger -> appender.attach(context.getConfiguration(), logger));
    context.updateLoggers();
    return appender;
  }

  private void attach(Configuration config, String logger) {
    LoggerConfig inherited = config.getLoggerConfig(logger);
    if (inherited.getName().equals(logger)) {
      inherited.addAppender(this, Level.INFO, null);
    } else { // its own config, at INFO for this appender only: the others get what they got before
      LoggerConfig own = new LoggerConfig(logger, Level.INFO, false);
      inherited
          .getAppenders()
          .values()
          .forEach(other -> own.addAppender(other, inherited.getLevel(), null));
      own.addAppender(this, Level.INFO, null);
      config.addLogger(logger, own);
      ownConfigs.add(logger);
    }
  }

  @Override
  public void append(LogEvent event) {
    String message = event.getMessage().getFormattedMessage();
    if (event.getLoggerName().equals(InfluxOutage.LOGGER)) {
      console.accept(message);
    } else if (event.getThrown() != null && message.contains(" switched from RUNNING to FAILED")) {
      lastCause = describe(event.getThrown());
    } else if (message.endsWith(" switched from state RUNNING to RESTARTING.")) {
      restarts++;
      String cause =
          lastCause.length() <= 150
              ? lastCause
              : lastCause.substring(0, 149) + "…"; // all of it at the end
      console.accept(
          "Restart "
              + restarts
              + ": the job failed ("
              + cause
              + "); restarting from its last checkpoint");
    }
  }

  /** Stops following (the next run in this JVM follows its own job). */
  void close() {
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      Configuration config = context.getConfiguration();
      for (String logger : FOLLOWED) {
        if (ownConfigs.contains(logger)) {
          config.removeLogger(logger);
        } else {
          config.getLoggerConfig(logger).removeAppender(getName());
        }
      }
      context.updateLoggers();
    }
    stop();
  }

  int restarts() {
    return restarts;
  }

  /** The innermost cause, on one line: what went wrong rather than the layers that passed it on. */
  static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("\\s*\\R\\s*", " ");
    return root.getClass().getSimpleName() + message;
  }
}
