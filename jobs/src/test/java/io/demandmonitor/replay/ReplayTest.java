package io.demandmonitor.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demand-monitor replay} end to end: eight simulated days with a surge, replayed into a real
 * InfluxDB twice with the shipped rules (baselines from one week, so they expect something) and
 * once with a what-if set, through the command an analyst runs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplayTest {

  private static final List<String> RESULTS =
      List.of("demand", "demand_by_category", "service_measures", "expected_demand", "alerts");

  @TempDir static Path dir;
  private static InfluxSettings influx;
  private static String firstRun;
  private static Path rules;

  @BeforeAll
  static void archiveAndReplayOnce() throws IOException {
    influx = InfluxServer.shared().newDatabase("replay");
    // A fixed week of March (term time), the surge on its last Monday: the same archive every day.
    Path config =
        TestConfig.copyWith(
            Files.createDirectories(dir.resolve("config")),
            "alerts.yaml",
            "min-weeks: 3",
            "min-weeks: 1");
    TestConfig.edit(config, "alerts.yaml", "min-weeks: 3", "min-weeks: 1");
    TestConfig.edit(config, "simulation.yaml", "start: -6h", "start: 2026-03-09T10:00:00Z");
    rules = config.resolve("alerts.yaml");
    String out =
        TestCli.ok(
            "simulate",
            "--from",
            "2026-03-02T00:00:00Z",
            "--to",
            "2026-03-10T00:00:00Z",
            "--scenario",
            "stevenage-safeguarding-surge",
            "--config-dir",
            config.toString(),
            "--out",
            dir.resolve("archive").toString());
    assertThat(out).contains("Archive: ");
    firstRun = replay("shipped-1", "--alerts", rules.toString(), "--compare", "live");
    // No live run in this database: nothing to compare with; a producer's retries are not events.
    assertThat(firstRun)
        .contains("Replaying", "records/s", "No comparison: run live wrote nothing between")
        .containsPattern("distinct events counted; set aside [1-9][\\d,]* duplicates")
        .doesNotContain("Alert episodes");
  }

  @Test
  void theSameArchiveReplayedTwiceGivesIdenticalResultsAndAlerts() throws IOException {
    String secondRun = replay("shipped-2", "--alerts", rules.toString(), "--compare", "shipped-1");
    assertThat(secondRun).contains("0 added, 0 removed");
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      for (String measurement : RESULTS) {
        List<String> first = points(connection, measurement, "shipped-1");
        List<String> second = points(connection, measurement, "shipped-2");
        assertThat(first).as(measurement).isNotEmpty();
        assertThat(difference(second, first)).as(measurement + ": only in the second").isEmpty();
        assertThat(difference(first, second)).as(measurement + ": only in the first").isEmpty();
      }
    }
    assertThat(secondRun)
        .as("the surge is raised in both replays")
        .contains("safeguarding-contacts");
  }

  @Test
  void aLowerThresholdSetRaisesTheExpectedExtraEpisodesInTheComparison() throws IOException {
    Path whatIf = Files.createDirectories(dir.resolve("what-if"));
    Files.writeString(
        whatIf.resolve("alerts.yaml"),
        Files.readString(rules).replace("levels: [6, 9, 13]", "levels: [3.5, 5, 8]"));
    String out =
        replay(
            "what-if",
            "--alerts",
            whatIf.resolve("alerts.yaml").toString(),
            "--compare",
            "shipped-1");
    assertThat(out).contains("alert rules from");

    JsonNode comparison =
        new ObjectMapper()
            .readTree(dir.resolve("report-what-if").resolve("comparison.json").toFile());
    assertThat(comparison.get("otherRun").asText()).isEqualTo("shipped-1");
    assertThat(comparison.get("added").asInt())
        .as("episodes only a lower threshold raises")
        .isPositive();
    List<String> changed = new ArrayList<>();
    List<JsonNode> removed = new ArrayList<>();
    comparison
        .get("episodeRows")
        .forEach(
            row -> {
              if (!row.get("status").asText().equals("IN_BOTH")) {
                changed.add(
                    row.get("service").asText()
                        + " "
                        + row.get("detector").asText()
                        + " "
                        + row.get("measure").asText());
              }
              if (row.get("status").asText().equals("REMOVED")) {
                removed.add(row);
              }
            });
    assertThat(changed)
        .as("only the changed rule adds or removes episodes")
        .containsOnly("safeguarding-contacts THRESHOLD rate_per_100k");
    // A lower threshold removes an episode only through the cool-down: this run's own longer
    // episode on
    // the series had resolved less than the cool-down and the minimum duration after it (2h + 10m
    // as
    // shipped) before the other run raised it.
    Instant from = Instant.parse(comparison.get("from").asText());
    Instant to = Instant.parse(comparison.get("to").asText());
    List<ReplayReport.ReportedEpisode> mine;
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      mine = ReplayReport.episodes(connection, "what-if", from, to);
    }
    long heldBack = Duration.ofMinutes(120 + 10).toMillis();
    for (JsonNode row : removed) {
      long raised = Instant.parse(row.get("otherRaised").asText()).toEpochMilli();
      assertThat(mine)
          .as("what held back " + row)
          .anyMatch(
              e ->
                  e.service().equals(row.get("service").asText())
                      && e.district().equals(row.get("district").asText())
                      && e.end() <= raised
                      && raised < e.end() + heldBack);
    }
    assertThat(Files.readAllLines(dir.resolve("report-what-if").resolve("episodes.csv")).get(0))
        .startsWith("status,service,district,detector,measure,horizon,raised");
    assertThat(Files.readAllLines(dir.resolve("report-what-if").resolve("levels.csv")))
        .hasSizeGreaterThan(1)
        .first()
        .isEqualTo("service,district,level,thisRun,otherRun");
  }

  private static List<String> difference(List<String> a, List<String> b) {
    List<String> rest = new ArrayList<>(a);
    b.forEach(rest::remove);
    return rest.stream().limit(10).toList();
  }

  /** Every point of a run, with its tags and fields but not the run tag, in time order. */
  private static List<String> points(InfluxConnection connection, String measurement, String run)
      throws IOException {
    List<String> points = new ArrayList<>();
    for (Map<String, Object> row :
        connection.select(
            "SELECT * FROM \"" + measurement + "\" WHERE \"run\" = '" + run + "' GROUP BY *")) {
      Map<String, Object> point = new TreeMap<>(row);
      point.remove("run");
      points.add(point.toString());
    }
    points.sort(null);
    return points;
  }

  private static String replay(String run, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "--archive",
                dir.resolve("archive").toString(),
                "--run-id",
                run,
                "--report",
                dir.resolve("report-" + run).toString(),
                "--out",
                dir.resolve("out").toString(),
                "--influx-url",
                influx.url(),
                "--influx-database",
                influx.database()));
    args.addAll(List.of(more));
    return TestCli.ok(args.toArray(String[]::new));
  }
}
