package io.demandmonitor.cli;

import io.demandmonitor.sink.InfluxSettings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The run tag of a run that must not write into the live view: a replay, or a bounded run. */
final class RunIds {

  private RunIds() {}

  /**
   * {@code given}, or {@code prefix-yyyyMMdd-HHmmss} of now (UTC); refused unless it is letters,
   * digits, '.', '_' or '-', and not live.
   */
  static String notLive(CommandSpec spec, String given, String prefix) {
    String run =
        given != null
            ? given
            : prefix
                + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .format(Instant.now().atOffset(ZoneOffset.UTC));
    if (!run.matches("[A-Za-z0-9._-]+") || run.equals(InfluxSettings.LIVE)) {
      throw new ParameterException(
          spec.commandLine(),
          "--run-id '"
              + run
              + "' must be letters, digits, '.', '_' "
              + "or '-', and not '"
              + InfluxSettings.LIVE
              + "'");
    }
    return run;
  }
}
