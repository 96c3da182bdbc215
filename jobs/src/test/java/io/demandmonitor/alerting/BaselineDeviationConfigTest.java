package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.cli.DemandMonitorCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A baseline's {@code deviation} is anscombe or exact: check-config refuses anything else. */
class BaselineDeviationConfigTest {

  @TempDir Path dir;

  @Test
  void anUnknownDeviationIsRefusedWithItsFileKeyAndValue() {
    Path config =
        TestConfig.copyWith(
            dir,
            "alerts.yaml",
            "id: care-1h-baseline",
            "id: care-1h-baseline\n    deviation: poisson");
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("check-config", "--config-dir", config.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            config.resolve("alerts.yaml").toString(),
            "baselines[1].deviation: must be one of [anscombe, exact] (got 'poisson')");
  }
}
