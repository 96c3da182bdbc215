package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The episodes of one surge become one incident, through the keyed operator with Flink's test
 * harness.
 */
class IncidentGrouperTest {

  private static final long T0 = 1_772_442_000_000L; // Mon 2 Mar 2026 09:00 UTC
  private static final long MIN = 60_000;
  private static final Duration GAP = Duration.ofMinutes(60);
  private static final String SERVICE = "safeguarding-contacts";
  private static final String COUNT = "safeguarding-1h-count";
  private static final String BASELINE = "safeguarding-1h-baseline";
  private static final String DAY = "safeguarding-24h-count";

  /**
   * A county-wide surge: six districts and the county, three rules, ten episodes (one a district
   * raised again after everything had resolved, within the gap; one a provisional raise withdrawn).
   */
  private static List<SurgeAlert> countyWideSurge() {
    List<SurgeAlert> alerts = new ArrayList<>();
    Episode stevenage = new Episode("STEVENAGE", COUNT, 0);
    alerts.add(stevenage.change(AlertState.RAISED, 2, 0));
    alerts.add(stevenage.change(AlertState.ESCALATED, 3, 20));
    alerts.add(stevenage.change(AlertState.RESOLVED, 1, 100));
    String[] districts = {"BROXBOURNE", "DACORUM", "EAST_HERTS", "HERTSMERE", "WATFORD"};
    for (int i = 0; i < districts.length; i++) {
      Episode district = new Episode(districts[i], COUNT, 5 + 2 * i);
      alerts.add(district.change(AlertState.RAISED, 2, 5 + 2 * i));
      alerts.add(district.change(AlertState.RESOLVED, 1, 70 + 2 * i));
    }
    Episode county = new Episode("COUNTY", COUNT, 15);
    alerts.add(county.change(AlertState.RAISED, 2, 15));
    alerts.add(county.change(AlertState.RESOLVED, 1, 120));
    Episode countyBaseline = new Episode("COUNTY", BASELINE, 15);
    alerts.add(countyBaseline.change(AlertState.RAISED, 3, 15));
    alerts.add(countyBaseline.change(AlertState.RESOLVED, 1, 90));
    Episode countyDay = new Episode("COUNTY", DAY, 30);
    alerts.add(countyDay.change(AlertState.RAISED, 4, 30));
    alerts.add(countyDay.change(AlertState.RESOLVED, 1, 60));
    Episode watfordAgain =
        new Episode("WATFORD", BASELINE, 160); // 40 minutes after the last resolved
    alerts.add(watfordAgain.change(AlertState.RAISED, 2, 160));
    alerts.add(watfordAgain.change(AlertState.RESOLVED, 1, 190));
    Episode withdrawn =
        new Episode("STEVENAGE", BASELINE, 175); // the final value did not bear it out
    alerts.add(withdrawn.change(AlertState.RAISED, 2, 175));
    alerts.add(withdrawn.change(AlertState.RESOLVED, 1, 175));
    return alerts;
  }

  @Test
  void aCountyWideSurgeIsOneIncidentOpenedOnceUpdatedOnEachChangeAndClosedOnceAfterTheGap()
      throws Exception {
    List<SurgeIncident> incidents =
        run(countyWideSurge(), Comparator.comparing(SurgeAlert::getChangedAt), 300);

    assertThat(incidents)
        .extracting(IncidentGrouperTest::summary)
        .containsExactly(
            "OPENED level 2 at 0: 1 areas, 1 rules, 1/1 open",
            "UPDATED level 2 at 5: 2 areas, 1 rules, 2/2 open",
            "UPDATED level 2 at 7: 3 areas, 1 rules, 3/3 open",
            "UPDATED level 2 at 9: 4 areas, 1 rules, 4/4 open",
            "UPDATED level 2 at 11: 5 areas, 1 rules, 5/5 open",
            "UPDATED level 2 at 13: 6 areas, 1 rules, 6/6 open",
            "UPDATED level 3 at 15: 7 areas, 2 rules, 8/8 open", // two episodes in one change
            "UPDATED level 4 at 30: 7 areas, 3 rules, 9/9 open", // (Stevenage's escalation to 3 at
            // 20 changed nothing)
            "UPDATED level 3 at 60: 7 areas, 3 rules, 8/9 open",
            "UPDATED level 2 at 100: 7 areas, 3 rules, 1/9 open",
            "UPDATED level 1 at 120: 7 areas, 3 rules, 0/9 open", // quiet: closes at 180 unless
            // another joins
            "UPDATED level 2 at 160: 7 areas, 3 rules, 1/10 open",
            "UPDATED level 1 at 190: 7 areas, 3 rules, 0/10 open",
            "CLOSED level 1 at 250: 7 areas, 3 rules, 0/10 open");
    assertThat(incidents)
        .extracting(SurgeIncident::getIncidentId)
        .containsOnly(SERVICE + "/2026-03-02T09:00:00Z");
    SurgeIncident closed = incidents.get(incidents.size() - 1);
    assertThat(closed.getPeakLevel()).isEqualTo(4);
    assertThat(closed.getAreas())
        .containsExactly(
            "BROXBOURNE", "COUNTY", "DACORUM", "EAST_HERTS", "HERTSMERE", "STEVENAGE", "WATFORD");
    assertThat(closed.getRules()).containsExactly(BASELINE, COUNT, DAY);
    assertThat(closed.getQuietSince()).isEqualTo(Instant.ofEpochMilli(T0 + 190 * MIN));
  }

  /**
   * Alerts of different areas come from different subtasks in no fixed order: the incidents are the
   * same.
   */
  @Test
  void theIncidentsDoNotDependOnTheOrderAlertsOfDifferentSeriesArriveIn() throws Exception {
    List<SurgeIncident> byTime =
        run(countyWideSurge(), Comparator.comparing(SurgeAlert::getChangedAt), 300);
    List<SurgeIncident> byIdDescending =
        run(
            countyWideSurge(),
            Comparator.comparing(SurgeAlert::getAlertId).reversed(),
            300); // stable: each episode keeps its order
    assertThat(byIdDescending).isEqualTo(byTime);
  }

  @Test
  void twoSurgesFartherApartThanTheGapAreTwoIncidentsAndNothingIsKeptAfterTheyClose()
      throws Exception {
    Episode first = new Episode("STEVENAGE", COUNT, 0);
    Episode second = new Episode("WATFORD", BASELINE, 91); // 61 minutes after the first resolved
    List<SurgeAlert> alerts =
        List.of(
            first.change(AlertState.RAISED, 3, 0),
            first.change(AlertState.RESOLVED, 1, 30),
            second.change(AlertState.RAISED, 2, 91),
            second.change(AlertState.RESOLVED, 1, 120));
    try (var harness = harness()) {
      List<SurgeIncident> incidents =
          feed(harness, alerts, Comparator.comparing(SurgeAlert::getChangedAt), 240);
      assertThat(incidents)
          .extracting(i -> summary(i) + " " + i.getIncidentId())
          .containsExactly(
              "OPENED level 3 at 0: 1 areas, 1 rules, 1/1 open "
                  + SERVICE
                  + "/2026-03-02T09:00:00Z",
              "UPDATED level 1 at 30: 1 areas, 1 rules, 0/1 open "
                  + SERVICE
                  + "/2026-03-02T09:00:00Z",
              "CLOSED level 1 at 90: 1 areas, 1 rules, 0/1 open "
                  + SERVICE
                  + "/2026-03-02T09:00:00Z",
              "OPENED level 2 at 91: 1 areas, 1 rules, 1/1 open "
                  + SERVICE
                  + "/2026-03-02T10:31:00Z",
              "UPDATED level 1 at 120: 1 areas, 1 rules, 0/1 open "
                  + SERVICE
                  + "/2026-03-02T10:31:00Z",
              "CLOSED level 1 at 180: 1 areas, 1 rules, 0/1 open "
                  + SERVICE
                  + "/2026-03-02T10:31:00Z");
      assertThat(harness.numKeyedStateEntries()).as("state cleared").isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void anEpisodeRaisedExactlyTheGapAfterTheLastResolvedStillJoins() throws Exception {
    Episode first = new Episode("STEVENAGE", COUNT, 0);
    Episode second = new Episode("WATFORD", COUNT, 90);
    try (var harness = harness()) {
      assertThat(
              feed(
                  harness,
                  List.of(
                      first.change(AlertState.RAISED, 2, 0),
                      first.change(AlertState.RESOLVED, 1, 30),
                      second.change(AlertState.RAISED, 2, 90)),
                  Comparator.comparing(SurgeAlert::getChangedAt),
                  240))
          .extracting(IncidentGrouperTest::summary)
          .containsExactly(
              "OPENED level 2 at 0: 1 areas, 1 rules, 1/1 open",
              "UPDATED level 1 at 30: 1 areas, 1 rules, 0/1 open",
              "UPDATED level 2 at 90: 2 areas, 1 rules, 1/2 open");
    }
  }

  @Test
  void aProvisionalRaiseWithdrawnByItsFinalValueOpensNothing() throws Exception {
    Episode withdrawn = new Episode("STEVENAGE", COUNT, 10);
    try (var harness = harness()) {
      assertThat(
              feed(
                  harness,
                  List.of(
                      withdrawn.change(AlertState.RAISED, 2, 10),
                      withdrawn.change(AlertState.RESOLVED, 1, 10)),
                  Comparator.comparing(SurgeAlert::getChangedAt),
                  120))
          .isEmpty();
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  /**
   * A bounded input ends with the watermark at the end of time: a quiet incident closes at the end
   * of its gap.
   */
  @Test
  void theEndOfABoundedInputClosesAQuietIncidentAtTheEndOfItsGap() throws Exception {
    Episode only = new Episode("STEVENAGE", COUNT, 0);
    try (var harness = harness()) {
      harness.processElement(only.change(AlertState.RAISED, 2, 0), T0);
      harness.processElement(only.change(AlertState.RESOLVED, 1, 30), T0 + 30 * MIN);
      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.extractOutputValues())
          .extracting(IncidentGrouperTest::summary)
          .containsExactly(
              "OPENED level 2 at 0: 1 areas, 1 rules, 1/1 open",
              "UPDATED level 1 at 30: 1 areas, 1 rules, 0/1 open",
              "CLOSED level 1 at 90: 1 areas, 1 rules, 0/1 open");
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  /**
   * The alerts, delivered in half-hour batches sorted by {@code order}, each followed by its
   * watermark.
   */
  private static List<SurgeIncident> run(
      List<SurgeAlert> alerts, Comparator<SurgeAlert> order, int untilMinute) throws Exception {
    try (var harness = harness()) {
      List<SurgeIncident> incidents = feed(harness, alerts, order, untilMinute);
      assertThat(harness.numKeyedStateEntries()).as("state cleared after the close").isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
      return incidents;
    }
  }

  private static List<SurgeIncident> feed(
      KeyedOneInputStreamOperatorTestHarness<String, SurgeAlert, SurgeIncident> harness,
      List<SurgeAlert> alerts,
      Comparator<SurgeAlert> order,
      int untilMinute)
      throws Exception {
    for (int from = 0; from < untilMinute; from += 30) {
      long start = T0 + from * MIN;
      List<SurgeAlert> batch =
          new ArrayList<>(
              alerts.stream()
                  .filter(
                      a ->
                          a.getChangedAt().toEpochMilli() >= start
                              && a.getChangedAt().toEpochMilli() < start + 30 * MIN)
                  .toList());
      batch.sort(order);
      for (SurgeAlert alert : batch) {
        harness.processElement(alert, alert.getChangedAt().toEpochMilli());
      }
      harness.processWatermark(start + 30 * MIN - 1);
    }
    return harness.extractOutputValues();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SurgeAlert, SurgeIncident> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new IncidentGrouper(GAP), SurgeAlert::getService, Types.STRING);
  }

  private static String summary(SurgeIncident i) {
    return i.getState()
        + " level "
        + i.getLevel()
        + " at "
        + (i.getChangedAt().toEpochMilli() - T0) / MIN
        + ": "
        + i.getAreas().size()
        + " areas, "
        + i.getRules().size()
        + " rules, "
        + i.getOpenEpisodes()
        + "/"
        + i.getEpisodes()
        + " open";
  }

  /** One episode of one rule in one area, as AlertEvaluator emits its changes. */
  private record Episode(String area, String rule, int startMinute) {

    SurgeAlert change(AlertState state, int level, int minute) {
      String detector =
          rule.endsWith("baseline") ? AlertEvaluator.SEASONAL_BASELINE : AlertEvaluator.THRESHOLD;
      Instant start = Instant.ofEpochMilli(T0 + startMinute * MIN);
      return SurgeAlert.newBuilder()
          .setAlertId(SERVICE + "/" + area + "/" + rule + "/" + start)
          .setService(SERVICE)
          .setDistrict(area)
          .setLevel(level)
          .setState(state)
          .setDetector(detector)
          .setMeasure("count")
          .setWindow(rule.contains("24h") ? "PT24H" : "PT1H")
          .setObserved(level * 10)
          .setThreshold(level * 8)
          .setEpisodeStart(start)
          .setChangedAt(Instant.ofEpochMilli(T0 + minute * MIN))
          .build();
    }
  }
}
