package io.demandmonitor.cli;

import io.demandmonitor.config.ConfigException;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * InfluxDB options. Every one can also come from the environment ({@code
 * DEMAND_MONITOR_INFLUX_URL}, {@code _DATABASE}, {@code _USER}); secrets come only from the
 * environment ({@code DEMAND_MONITOR_INFLUX_PASSWORD}, {@code DEMAND_MONITOR_INFLUX_TOKEN}) or from
 * files, never from the command line, and are never printed.
 */
public final class InfluxOptions {

  static final String ENV = "DEMAND_MONITOR_INFLUX_";

  @Option(
      names = "--influx-url",
      paramLabel = "URL",
      description =
          "Write demand and pipeline health to the InfluxDB at this URL, e.g. http://127.0.0.1:8086 "
              + "(or DEMAND_MONITOR_INFLUX_URL). 1.x, or 2.x/3 through their v1 API.")
  String url;

  @Option(
      names = "--influx-database",
      paramLabel = "NAME",
      description =
          "Database (default: DEMAND_MONITOR_INFLUX_DATABASE, else demand_monitor); created if missing "
              + "on InfluxDB 1.x.")
  String database;

  @Option(
      names = "--influx-retention-policy",
      paramLabel = "NAME",
      description = "Retention policy (default: the database's default).")
  String retentionPolicy;

  @Option(
      names = "--influx-user",
      paramLabel = "USER",
      description =
          "User (or DEMAND_MONITOR_INFLUX_USER); the password comes from DEMAND_MONITOR_INFLUX_PASSWORD "
              + "or --influx-password-file.")
  String user;

  @Option(
      names = "--influx-password-file",
      paramLabel = "FILE",
      description = "File holding the password.")
  Path passwordFile;

  @Option(
      names = "--influx-token-file",
      paramLabel = "FILE",
      description =
          "File holding a token (InfluxDB 2.x/3, or 1.8+ as USER:PASSWORD), instead of a user; "
              + "or DEMAND_MONITOR_INFLUX_TOKEN.")
  Path tokenFile;

  @Option(
      names = "--influx-batch-size",
      defaultValue = "5000",
      paramLabel = "POINTS",
      description = "Points per write request (default: ${DEFAULT-VALUE}).")
  int batchSize;

  /** The settings, or null when no InfluxDB is configured. */
  InfluxSettings settings(String run) {
    return settings(run, System.getenv());
  }

  InfluxSettings settings(String run, Map<String, String> env) {
    String theUrl = url != null ? url : env.get(ENV + "URL");
    if (theUrl == null || theUrl.isBlank()) {
      return null;
    }
    String theUser = user != null ? user : env.get(ENV + "USER");
    try {
      InfluxSettings base =
          InfluxSettings.of(
              theUrl,
              database != null ? database : env.getOrDefault(ENV + "DATABASE", "demand_monitor"));
      return new InfluxSettings(
          base.url(),
          base.database(),
          retentionPolicy,
          theUser,
          secret(passwordFile, "--influx-password-file", env.get(ENV + "PASSWORD")),
          secret(tokenFile, "--influx-token-file", env.get(ENV + "TOKEN")),
          batchSize,
          base.flushEvery(),
          base.requestTimeout(),
          run);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("InfluxDB settings: " + e.getMessage());
    }
  }

  private static String secret(Path file, String option, String fromEnvironment) {
    if (file == null) {
      return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
    }
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new ConfigException(option + ": " + file + ": cannot be read: " + e.getMessage());
    }
  }

  /**
   * Checks the server answers and accepts the credentials before the job starts; creates the
   * database if missing.
   */
  static void prepare(InfluxSettings settings, PrintWriter console) {
    try (InfluxConnection connection = new InfluxConnection(settings)) {
      String version = connection.version();
      if (connection.createDatabaseIfMissing()) {
        console.printf("Created InfluxDB database %s%n", settings.database());
      }
      console.printf("Writing to %s (server %s)%n", settings, version);
    } catch (InfluxConnection.Failure e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
