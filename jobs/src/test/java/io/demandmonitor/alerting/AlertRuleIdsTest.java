package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.cli.DemandMonitorCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every alert rule has an id, plain and unique in the file: check-config refuses the others. */
class AlertRuleIdsTest {

  @TempDir Path dir;

  @Test
  void aDuplicateIdIsRefusedWithItsFileLineKeyAndValue() {
    Path config =
        TestConfig.copyWith(dir, "alerts.yaml", "id: care-1h-count", "id: safeguarding-1h-count");
    assertThat(checkConfig(config))
        .contains(
            config.resolve("alerts.yaml")
                + " line "
                + lineOf(config, "id: safeguarding-1h-count", 2)
                + ": thresholds[1].id: is already the id of thresholds[0]: "
                + "rule ids must be unique (got 'safeguarding-1h-count')");
  }

  @Test
  void aMissingIdIsRefused() {
    Path config =
        TestConfig.copyWith(dir, "alerts.yaml", "{id: helpline-feed-silent, service", "{service");
    assertThat(checkConfig(config))
        .contains(
            config.resolve("alerts.yaml")
                + " line "
                + lineOf(config, "{service: helpline-calls", 1)
                + ": feeds[2].id: is required: a unique rule id such as "
                + "safeguarding-1h-count (got nothing)");
  }

  @Test
  void anIdOfAnotherFormIsRefused() {
    Path config =
        TestConfig.copyWith(dir, "alerts.yaml", "id: care-1h-baseline", "id: Care_Baseline");
    assertThat(checkConfig(config))
        .contains(
            config.resolve("alerts.yaml")
                + " line "
                + lineOf(config, "id: Care_Baseline", 1)
                + ": baselines[1].id: must be "
                + "lower-case letters and digits joined by hyphens, at most 60 characters, e.g. safeguarding-1h-count "
                + "(got 'Care_Baseline')");
  }

  /** The line number of the {@code nth} line of alerts.yaml holding {@code text}. */
  private static int lineOf(Path config, String text, int nth) {
    List<String> lines = readLines(config.resolve("alerts.yaml"));
    for (int i = 0, seen = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text) && ++seen == nth) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in alerts.yaml");
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String checkConfig(Path config) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("check-config", "--config-dir", config.toString()))
        .as(out + "\n" + err)
        .isEqualTo(2);
    return err.toString();
  }
}
