package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.model.Archive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options of the commands that replay history through the pipeline on this machine (replay and
 * evaluate), and how they read the files and times their other options name.
 */
public final class ReplayOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Mixin ConfigOptions configDir;

  @Mixin FlinkOptions flink;

  @Option(
      names = "--alerts",
      paramLabel = "FILE",
      description = "Alert rules to use instead of alerts.yaml of the config folder (what-if).")
  Path alerts;

  @Option(
      names = "--progress-every",
      converter = DurationConverter.class,
      defaultValue = "5s",
      paramLabel = "DURATION",
      description = "How often progress is printed (default: ${DEFAULT-VALUE}).")
  Duration progressEvery;

  ConfigFiles files() {
    return configDir.files();
  }

  /** The rules of --alerts, else those of the config folder. */
  AlertRules rules(ReferenceData reference, WindowSettings windows) {
    return alerts == null
        ? AlertRules.load(files(), reference, windows)
        : AlertRules.load(
            folderOf("--alerts", alerts), alerts.getFileName().toString(), reference, windows);
  }

  /** Where the rules come from, for reports. */
  String rulesName() {
    return alerts != null ? alerts.toString() : files().describe(AlertRules.FILE);
  }

  /** The folder of a configuration file an option names, to load it from. */
  ConfigFiles folderOf(String option, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(command.commandLine(), option + " " + file + ": no such file");
    }
    return ConfigFiles.directory(file.toAbsolutePath().getParent());
  }

  /** A day (midnight in {@code zone}) or an instant. */
  Instant time(String option, String value, ZoneId zone) {
    try {
      return value.length() == 10
          ? LocalDate.parse(value).atStartOfDay(zone).toInstant()
          : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          command.commandLine(),
          option
              + " '"
              + value
              + "' is neither a day (2026-03-02) nor an instant (2026-03-02T09:00:00Z)");
    }
  }

  /** The days an archive holds, for the services' topics; at least one. */
  TreeSet<LocalDate> archiveDays(Path archive, ReferenceData reference) {
    List<String> topics = reference.services().stream().map(Service::topic).toList();
    TreeSet<LocalDate> days = Archive.days(archive, topics);
    if (days.isEmpty()) {
      throw new ParameterException(
          command.commandLine(),
          "--archive "
              + archive
              + ": no archived days (expected "
              + archive
              + "/<topic>/<yyyy-MM-dd>.avro or <yyyy-MM-dd>/ folders for topics "
              + topics
              + ")");
    }
    return days;
  }
}
