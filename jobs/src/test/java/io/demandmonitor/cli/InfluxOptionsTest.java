package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ConfigException;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InfluxOptionsTest {

  @TempDir Path dir;

  @Test
  void settingsComeFromOptionsOrTheEnvironmentAndSecretsAreNeverPrinted() {
    Map<String, String> env =
        Map.of(
            "DEMAND_MONITOR_INFLUX_URL",
            "http://influx:8086",
            "DEMAND_MONITOR_INFLUX_USER",
            "writer",
            "DEMAND_MONITOR_INFLUX_PASSWORD",
            "s3cret");
    InfluxSettings settings = options().settings("live", env);
    assertThat(settings.url()).isEqualTo("http://influx:8086");
    assertThat(settings.database()).isEqualTo("demand_monitor");
    assertThat(settings.user()).isEqualTo("writer");
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.toString())
        .doesNotContain("s3cret")
        .contains("http://influx:8086", "writer");

    assertThat(options().settings("live", Map.of())).as("no URL, no InfluxDB").isNull();
  }

  @Test
  void aTokenComesFromAFileAndIsNeverPrinted() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "tok-123456\n");
    InfluxSettings settings =
        options(
                "--influx-url",
                "https://influx.example:8086",
                "--influx-token-file",
                token.toString())
            .settings("live", Map.of());
    assertThat(settings.token()).isEqualTo("tok-123456");
    assertThat(settings.toString()).doesNotContain("tok-123456").contains("with a token");
  }

  @Test
  void badSettingsAreConfigurationErrorsNamingTheProblem() {
    assertThatThrownBy(() -> options("--influx-url", "influx:8086").settings("live", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'influx:8086' must be http://HOST:PORT");
    assertThatThrownBy(
            () ->
                options("--influx-url", "http://influx:8086")
                    .settings("live", Map.of("DEMAND_MONITOR_INFLUX_PASSWORD", "s3cret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("password was given without a user")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(
            () ->
                options(
                        "--influx-url",
                        "http://influx:8086",
                        "--influx-password-file",
                        dir.resolve("missing").toString(),
                        "--influx-user",
                        "u")
                    .settings("live", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--influx-password-file");
  }

  @Test
  void credentialsInTheUrlAreRefusedWithoutBeingEchoed() {
    for (String url :
        new String[] {
          "http://admin:s3cret@influx:8086",
          "http://s3cret@influx:8086",
          "http://admin:s3cret@in flux:8086"
        }) {
      assertThatThrownBy(() -> options("--influx-url", url).settings("live", Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("must not hold credentials")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void anUnknownOptionIsNamedButItsValueIsNeverEchoed() {
    for (String[] args :
        new String[][] {
          {"run", "--influx-password", "s3cret-value"},
          {"run", "--influx-password=s3cret-value"},
          {"replay", "--influx-token", "s3cret-value"},
          {"run", "s3cret-value"}
        }) {
      StringWriter err = new StringWriter();
      CommandLine cli = DemandMonitorCli.commandLine();
      cli.setOut(new PrintWriter(new StringWriter()));
      cli.setErr(new PrintWriter(err));
      assertThat(cli.execute(args)).isEqualTo(2);
      assertThat(err.toString()).doesNotContain("s3cret").contains("not shown", "--help");
      if (args[1].startsWith("--")) {
        assertThat(err.toString()).contains("Unknown options: " + args[1].split("=")[0]);
      }
    }
  }

  @Test
  void runRefusesToStartWhenInfluxDbRefusesTheCredentials() throws IOException {
    try (InfluxServer server = InfluxServer.startOwn(true)) {
      Path password = dir.resolve("password");
      Files.writeString(password, "wrong-Pa55word");
      StringWriter err = new StringWriter();
      CommandLine cli = DemandMonitorCli.commandLine();
      cli.setOut(new PrintWriter(new StringWriter()));
      cli.setErr(new PrintWriter(err));
      int exit =
          cli.execute(
              "run",
              "--no-live",
              "--config-dir",
              TestConfig.CONFIG_DIR.toString(),
              "--influx-url",
              server.url(),
              "--influx-user",
              InfluxServer.ADMIN,
              "--influx-password-file",
              password.toString());
      assertThat(exit).isEqualTo(2);
      assertThat(err.toString())
          .contains(
              "Configuration error: InfluxDB " + server.url(),
              "HTTP 401",
              "check the user and password")
          .doesNotContain("wrong-Pa55word");
    }
  }

  /**
   * The compose stack's users: the job starts and writes as a writer; Grafana reads as a reader and
   * can do no more.
   */
  @Test
  void theJobNeedsOnlyWriteAndGrafanaOnlyRead() throws IOException {
    try (InfluxServer server = InfluxServer.startOwn(true)) {
      InfluxSettings admin =
          InfluxSettings.of(server.url(), "demand_monitor")
              .withCredentials(InfluxServer.ADMIN, InfluxServer.ADMIN_PASSWORD, null);
      try (InfluxConnection connection = new InfluxConnection(admin)) {
        connection.query("CREATE DATABASE demand_monitor");
        connection.query("CREATE USER demand_writer WITH PASSWORD 'writer-Pa55'");
        connection.query("GRANT WRITE ON demand_monitor TO demand_writer");
        connection.query("CREATE USER grafana_reader WITH PASSWORD 'reader-Pa55'");
        connection.query("GRANT READ ON demand_monitor TO grafana_reader");
      }
      InfluxSettings writer = admin.withCredentials("demand_writer", "writer-Pa55", null);
      InfluxSettings reader = admin.withCredentials("grafana_reader", "reader-Pa55", null);
      StringWriter console = new StringWriter();
      InfluxOptions.prepare(writer, new PrintWriter(console, true));
      assertThat(console.toString()).contains("Writing to InfluxDB").doesNotContain("Created");
      try (InfluxConnection job = new InfluxConnection(writer);
          InfluxConnection grafana = new InfluxConnection(reader)) {
        job.write(
            List.of(
                "demand,run=live,service=s,district=County,horizon=PT1H count=3i 1700000000000"));
        assertThat(InfluxServer.select(grafana, "SELECT count FROM demand")).hasSize(1);
        assertThatThrownBy(() -> grafana.write(List.of("demand,run=live count=9i 1700000000000")))
            .isInstanceOf(InfluxConnection.Failure.class);
        assertThatThrownBy(() -> grafana.query("DROP DATABASE demand_monitor"))
            .isInstanceOf(InfluxConnection.Failure.class);
        assertThatThrownBy(() -> grafana.query("DROP MEASUREMENT demand"))
            .isInstanceOf(InfluxConnection.Failure.class);
        assertThatThrownBy(() -> job.query("SELECT count FROM demand"))
            .isInstanceOf(InfluxConnection.Failure.class);
        assertThatThrownBy(() -> job.query("DROP DATABASE demand_monitor"))
            .isInstanceOf(InfluxConnection.Failure.class);
      }
    }
  }

  private static InfluxOptions options(String... args) {
    InfluxOptions options = new InfluxOptions();
    new CommandLine(new Holder(options)).parseArgs(args);
    return options;
  }

  @CommandLine.Command
  static final class Holder {
    @CommandLine.Mixin final InfluxOptions options;

    Holder(InfluxOptions options) {
      this.options = options;
    }
  }
}
