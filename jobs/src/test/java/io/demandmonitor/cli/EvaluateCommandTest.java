package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code demand-monitor evaluate} end to end on a short span: ten days of autumn term scored after
 * 22 days of warm-up, two seeds, a class of very large sharp surges (which every rule set worth
 * shipping detects) and one night surge per seed, with the shipped alert rules.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvaluateCommandTest {

  private static final String EVALUATION =
      """
      warm-up: 22d
      gap: 6h
      grace: 2h
      classes:
        huge:
          count: 2
          area: district
          size: [6.0, 6.0]
          extra-per-hour: [30, 30]
          ramp: [15m, 15m]
          hold: [3h, 3h]
        night:
          count: 1
          area: district
          size: [3.0, 3.0]
          extra-per-hour: [2, 4]
          ramp: [30m, 30m]
          hold: [7h, 7h]
          start-at: "22:00"
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static Path config;
  private static String output;
  private static JsonNode report;

  @BeforeAll
  static void evaluateTwoSeeds() throws IOException {
    config =
        TestConfig.copyWith(
            Files.createDirectories(dir.resolve("config")),
            "evaluation.yaml",
            "warm-up: 28d",
            "warm-up: 28d");
    Files.writeString(config.resolve("evaluation.yaml"), EVALUATION);
    output = TestCli.ok(tenDays("--seed", "1,2", "--json", dir.resolve("report.json").toString()));
    report = JSON.readTree(dir.resolve("report.json").toFile());
  }

  /** evaluate on the ten scored days with the test's configuration, and {@code options}. */
  private static String[] tenDays(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "evaluate",
                "--from",
                "2025-10-06",
                "--to",
                "2025-10-16",
                "--config-dir",
                config.toString()));
    args.addAll(List.of(options));
    return args.toArray(String[]::new);
  }

  @Test
  void theTableGivesDetectionPerClassAndFalseAlertsOfTheSurgeFreeCopy() {
    assertThat(output)
        .contains(
            "Evaluating ",
            "seeds [1, 2]",
            "huge: 2 a seed, one district, 6x + 30/h, rise 15m, hold 3h")
        .contains(
            "Seed 1: 3 surges placed",
            "Seed 2: 3 surges placed",
            "seed 1 with surges: replayed",
            "seed 2 surge-free: replayed")
        .contains(
            "Detection of injected surges, 2025-10-05T23:00:00Z to 2025-10-15T23:00:00Z, seeds 1, 2")
        .containsPattern(
            "\\n  class +surges +detected +median time +p90 time +episodes/ +incidents/ +as one +by chance"
                + " +new alerts\\n")
        .containsPattern(
            "\\n  huge +4 +4 \\(100%\\) +\\d+\\.\\d h +\\d+\\.\\d h +\\d+\\.\\d +\\d+\\.\\d\\d"
                + " +\\d \\(\\d+%\\) +\\d +4 \\(100%\\)\\n")
        .containsPattern("\\n  night +2 +\\d \\(\\d+%\\) ")
        .contains(
            "False alerts on the surge-free copy: 20 days, 44 service-areas (every seed's copy together)")
        .containsPattern(
            "episodes at level >= 2: +\\d+ +\\d+\\.\\d{3} per service-area-month +\\d+\\.\\d a week")
        .containsPattern(
            "notifications \\(episodes reaching level 3\\): \\d+, \\d+\\.\\d\\d a week")
        .containsPattern("incidents: \\d+, \\d+\\.\\d\\d a week; notifications of incidents");
  }

  @Test
  void theJsonHoldsEverySurgeAndFiguresThatAddUp() {
    assertThat(report.get("seeds").toString()).isEqualTo("[1,2]");
    assertThat(report.get("warmUp").asText()).isEqualTo("22d");
    JsonNode huge = report.get("detection").get(0);
    assertThat(huge.get("surgeClass").asText()).isEqualTo("huge");
    assertThat(huge.get("surges").asInt()).isEqualTo(4);
    assertThat(huge.get("detectedShare").asDouble())
        .as("a six-fold surge plus 30 an hour is always seen")
        .isEqualTo(1.0);
    assertThat(huge.get("medianHoursToDetect").asDouble()).isBetween(0.0, 2.0);
    assertThat(huge.get("episodesPerDetected").asDouble()).isGreaterThanOrEqualTo(1.0);
    assertThat(huge.get("incidentsPerDetected").asDouble())
        .as("a surge in one district is one incident or two")
        .isBetween(1.0, 2.0);
    assertThat(huge.get("detectedByNewAlerts").asInt()).isEqualTo(4);

    List<JsonNode> surges = new ArrayList<>();
    report.get("surges").forEach(surges::add);
    assertThat(surges).hasSize(6);
    for (JsonNode s : surges) {
      assertThat(s.get("start").asText()).isGreaterThanOrEqualTo("2025-10-05T23:00:00Z");
      assertThat(s.get("detectUntil").asText()).isLessThanOrEqualTo("2025-10-15T23:00:00Z");
      if (s.get("detected").asBoolean()) {
        assertThat(s.get("episodes").asInt()).isPositive();
        assertThat(s.get("firstAlert").asText()).isLessThanOrEqualTo(s.get("detectUntil").asText());
        assertThat(s.get("rules").size()).isPositive();
      } else {
        assertThat(s.get("hoursToDetect").isNull()).isTrue();
      }
    }
    assertThat(surges.stream().filter(s -> s.get("surgeClass").asText().equals("night")))
        .allSatisfy(s -> assertThat(s.get("start").asText()).endsWith("T21:00:00Z")); // 22:00 BST

    JsonNode total = report.get("falseAlerts");
    JsonNode bySeed = report.get("falseAlertsByRun");
    assertThat(bySeed).hasSize(2);
    assertThat(total.get("days").asDouble()).isEqualTo(20.0);
    assertThat(total.get("serviceAreas").asInt()).isEqualTo(44);
    assertThat(total.get("episodes").asInt())
        .isEqualTo(bySeed.get(0).get("episodes").asInt() + bySeed.get(1).get("episodes").asInt());
    assertThat(total.get("perServiceAreaMonth").asDouble())
        .isCloseTo(
            total.get("episodes").asInt() / (44 * 20 / (365.25 / 12)),
            org.assertj.core.api.Assertions.within(1e-9));
    assertThat(total.get("episodesLevel3").asInt())
        .isLessThanOrEqualTo(total.get("episodes").asInt());
    assertThat(report.get("definitions").get("notifications").asText()).contains("level >= 3");
  }

  @Test
  void falseAlertsComeFromTheSurgeFreeCopyWhateverIsInjected() throws IOException {
    // Seed 1 with no surges at all: its false alerts are those the run with surges reported for
    // seed 1.
    Path json = dir.resolve("no-surges.json");
    TestCli.ok(
        tenDays("--seed", "1", "--count", "0", "--classes", "huge", "--json", json.toString()));
    JsonNode alone = JSON.readTree(json.toFile());
    assertThat(alone.get("detection").get(0).get("surges").asInt()).isZero();
    assertThat(alone.get("falseAlertsByRun").get(0))
        .isEqualTo(report.get("falseAlertsByRun").get(0));
  }

  @Test
  void surgesAreInjectedIntoAGivenArchiveWhichIsItsOwnSurgeFreeCopy() throws IOException {
    Path archive = dir.resolve("archive");
    TestCli.ok(
        "simulate",
        "--from",
        "2025-09-14T00:00:00Z",
        "--to",
        "2025-10-11T00:00:00Z",
        "--scenario",
        "none",
        "--config-dir",
        config.toString(),
        "--out",
        archive.toString());
    Path json = dir.resolve("archive.json");
    String out =
        TestCli.ok(
            "evaluate",
            "--archive",
            archive.toString(),
            "--seed",
            "5",
            "--classes",
            "huge",
            "--config-dir",
            config.toString(),
            "--json",
            json.toString());
    assertThat(out)
        .contains(
            "(surges added as Poisson copies of its own events)",
            "archive as it is: replayed",
            "Seed 5: 2 surges placed; ",
            " copies injected")
        .containsPattern("\\n  huge +2 +2 \\(100%\\) ")
        .contains("False alerts on the surge-free copy: 5 days, 44 service-areas\n");
    JsonNode result = JSON.readTree(json.toFile());
    assertThat(result.get("from").asText())
        .as("the archive's first day and the warm-up")
        .isEqualTo("2025-10-06T00:00:00Z");
    assertThat(result.get("to").asText()).isEqualTo("2025-10-11T00:00:00Z");
    assertThat(result.get("falseAlertsByRun")).hasSize(1);
    assertThat(result.get("input").asText()).startsWith("archive ");
  }

  @Test
  void helpSaysWhatItMeasuresAndHowAnArchiveIsUsed() {
    StringWriter help = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(help));
    assertThat(cli.execute("evaluate", "--help")).isZero();
    assertThat(help.toString())
        .contains(
            "Usage: demand-monitor evaluate",
            "--archive=DIR",
            "--seed=N[,N...]",
            "surge-free copy",
            "Poisson",
            "docs/alerting.md");
  }

  @Test
  void anUnknownClassIsRefusedWithTheKnownOnes() {
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(tenDays("--classes", "tsunami"))).isEqualTo(2);
    assertThat(err.toString()).contains("--classes: 'tsunami' is not a class of", "[huge, night]");
  }
}
