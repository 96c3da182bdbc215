package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ConfigException;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InfluxOptionsTest {

  @TempDir
  Path dir;

  @Test
  void settingsComeFromOptionsOrTheEnvironmentAndSecretsAreNeverPrinted() {
    Map<String, String> env = Map.of("DEMAND_MONITOR_INFLUX_URL", "http://influx:8086",
        "DEMAND_MONITOR_INFLUX_USER", "writer", "DEMAND_MONITOR_INFLUX_PASSWORD", "s3cret");
    InfluxSettings settings = options().settings("live", env);
    assertThat(settings.url()).isEqualTo("http://influx:8086");
    assertThat(settings.database()).isEqualTo("demand_monitor");
    assertThat(settings.user()).isEqualTo("writer");
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.toString()).doesNotContain("s3cret").contains("http://influx:8086", "writer");

    assertThat(options().settings("live", Map.of())).as("no URL, no InfluxDB").isNull();
  }

  @Test
  void aTokenComesFromAFileAndIsNeverPrinted() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "tok-123456\n");
    InfluxSettings settings = options("--influx-url", "https://influx.example:8086", "--influx-token-file",
        token.toString()).settings("live", Map.of());
    assertThat(settings.token()).isEqualTo("tok-123456");
    assertThat(settings.toString()).doesNotContain("tok-123456").contains("with a token");
  }

  @Test
  void badSettingsAreConfigurationErrorsNamingTheProblem() {
    assertThatThrownBy(() -> options("--influx-url", "influx:8086").settings("live", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'influx:8086' must be http://HOST:PORT");
    assertThatThrownBy(() -> options("--influx-url", "http://influx:8086")
        .settings("live", Map.of("DEMAND_MONITOR_INFLUX_PASSWORD", "s3cret")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("password was given without a user")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> options("--influx-url", "http://influx:8086", "--influx-password-file",
        dir.resolve("missing").toString(), "--influx-user", "u").settings("live", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--influx-password-file");
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
      int exit = cli.execute("run", "--no-live", "--config-dir", TestConfig.CONFIG_DIR.toString(),
          "--influx-url", server.url(), "--influx-user", InfluxServer.ADMIN, "--influx-password-file",
          password.toString());
      assertThat(exit).isEqualTo(2);
      assertThat(err.toString()).contains("Configuration error: InfluxDB " + server.url(), "HTTP 401",
          "check the user and password").doesNotContain("wrong-Pa55word");
    }
  }

  private static InfluxOptions options(String... args) {
    InfluxOptions options = new InfluxOptions();
    new CommandLine(new Holder(options)).parseArgs(args);
    return options;
  }

  @CommandLine.Command
  static final class Holder {
    @CommandLine.Mixin
    final InfluxOptions options;

    Holder(InfluxOptions options) {
      this.options = options;
    }
  }
}
