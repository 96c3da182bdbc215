package io.demandmonitor.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression guard of detection (issue 15): {@code demand-monitor evaluate} in-process with the
 * shipped {@code config/alerts.yaml} and the shipped surge classes, five of each a seed, on six
 * weeks of autumn 2025 (6 October to 17 November, October half-term inside) after 22 days of
 * warm-up, seeds 1 and 2. A run with the same seeds gives the same archives event for event, so the
 * figures are exact; each share is of 10 surges (one surge is 10 points).
 *
 * <p>Where the target is met on this span the target itself is asserted; where it is not
 * yet met, what the shipped rules reach here, less about one surge of margin. The half-year figures
 * are in docs/alerting.md.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DetectionQualityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static final Map<String, JsonNode> byClass = new HashMap<>();
  private static JsonNode falseAlerts;

  @BeforeAll
  static void evaluateSixWeeks() throws IOException {
    Path config =
        TestConfig.copyWith(
            dir.resolve("config"), "evaluation.yaml", "warm-up: 28d", "warm-up: 22d");
    TestConfig.edit(config, "evaluation.yaml", "count: 10", "count: 5");
    Path json = dir.resolve("report.json");
    TestCli.ok(
        "evaluate",
        "--from",
        "2025-10-06",
        "--to",
        "2025-11-17",
        "--seed",
        "1,2",
        "--config-dir",
        config.toString(),
        "--json",
        json.toString());
    JsonNode report = JSON.readTree(json.toFile());
    report.get("detection").forEach(c -> byClass.put(c.get("surgeClass").asText(), c));
    falseAlerts = report.get("falseAlerts");
  }

  private static double detected(String surgeClass) {
    return byClass.get(surgeClass).get("detectedShare").asDouble();
  }

  private static double medianHours(String surgeClass) {
    return byClass.get(surgeClass).get("medianHoursToDetect").asDouble();
  }

  private static double asOneIncident(String surgeClass) {
    JsonNode c = byClass.get(surgeClass);
    return c.get("detectedAsOneIncident").asDouble() / c.get("surges").asInt();
  }

  @Test
  void sharpSurges() {
    // Not yet met (targets 90%, 1 h): 70%, 1.6 h here (90%, 2.2 h over the half year).
    assertThat(detected("sharp")).isGreaterThanOrEqualTo(0.6);
    assertThat(medianHours("sharp")).isLessThanOrEqualTo(2.0);
  }

  @Test
  void sustainedSurges() {
    // Targets met here: at least 80%, median at most 4 h (100%, 3.8 h).
    assertThat(detected("sustained")).isGreaterThanOrEqualTo(0.8);
    assertThat(medianHours("sustained")).isLessThanOrEqualTo(4.0);
  }

  @Test
  void gradualSurges() {
    // Not yet met here (target 80%): 70% (100% over the half year).
    assertThat(detected("gradual")).isGreaterThanOrEqualTo(0.6);
  }

  @Test
  void countyWideSurges() {
    // Not yet met (target 90% as exactly one incident): 90% detected, 80% as one incident here.
    assertThat(detected("county-wide")).isGreaterThanOrEqualTo(0.8);
    assertThat(asOneIncident("county-wide")).isGreaterThanOrEqualTo(0.7);
  }

  @Test
  void nightSurges() {
    // Target met here: at least 90% (100%).
    assertThat(detected("night")).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void falseAlertsOnTheSurgeFreeCopy() {
    // Targets met here: at most 0.5 episodes per service-area-month at level >= 2 (0.313), 0.02 at
    // level >= 3 (0), 5 notifications a week (0).
    assertThat(falseAlerts.get("perServiceAreaMonth").asDouble()).isLessThanOrEqualTo(0.5);
    assertThat(falseAlerts.get("perServiceAreaMonthLevel3").asDouble()).isLessThanOrEqualTo(0.02);
    assertThat(falseAlerts.get("notificationsPerWeek").asDouble()).isLessThanOrEqualTo(5);
  }

  @Test
  void incidentsPerDetectedSurge() {
    // Target met here: at most 1.2 over every class (1.02).
    double incidents = 0;
    double detected = 0;
    for (JsonNode c : byClass.values()) {
      incidents += c.get("incidentsPerDetected").asDouble() * c.get("detected").asInt();
      detected += c.get("detected").asInt();
    }
    assertThat(incidents / detected).isLessThanOrEqualTo(1.2);
  }
}
