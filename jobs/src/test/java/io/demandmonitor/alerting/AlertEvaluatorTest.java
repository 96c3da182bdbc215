package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.alerting.AlertRules.Policy;
import io.demandmonitor.alerting.AlertRules.Threshold;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.schema.SurgeAlert;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The alert state machine through the keyed operator, with Flink's test harness. */
class AlertEvaluatorTest {

  private static final long T0 = 1_772_442_000_000L; // Mon 2 Mar 2026 09:00 UTC
  private static final long MIN = 60_000;

  private static AlertRules rules(Duration minDuration) {
    return new AlertRules(
        "Europe/London",
        new Policy(minDuration, 0.75, Duration.ofMinutes(30)),
        List.of(countRule("safeguarding-1h-count", 5, 8, 12)),
        List.of(),
        List.of());
  }

  private static Threshold countRule(String id, double... levels) {
    return new Threshold(
        id,
        "safeguarding-contacts",
        Duration.ofHours(1),
        "count",
        List.of(levels[0], levels[1], levels[2]),
        null,
        null,
        null,
        null);
  }

  @Test
  void raisesEscalatesDeEscalatesAndResolvesWithHysteresisUnderOneId() throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      long[] counts = {3, 5, 7, 8, 7, 5, 4, 3};
      for (int i = 0; i < counts.length; i++) {
        harness.processElement(value(T0 + i * MIN, counts[i], false), T0 + i * MIN);
      }
      List<SurgeAlert> alerts = harness.extractOutputValues();
      assertThat(alerts)
          .extracting(
              a ->
                  a.getState()
                      + " "
                      + a.getLevel()
                      + " at "
                      + (a.getChangedAt().toEpochMilli() - T0) / MIN)
          .containsExactly(
              "RAISED 2 at 1", "ESCALATED 3 at 3", "DE_ESCALATED 2 at 5", "RESOLVED 1 at 7");
      assertThat(alerts)
          .extracting(SurgeAlert::getAlertId)
          .containsOnly(
              "safeguarding-contacts/STEVENAGE/safeguarding-1h-count/2026-03-02T09:01:00Z");
      assertThat(alerts.get(1).getThreshold()).isEqualTo(8.0);
    }
  }

  @Test
  void aHigherLevelMustHoldForTheMinimumDuration() throws Exception {
    try (var harness = harness(rules(Duration.ofMinutes(5)))) {
      for (int i = 0; i <= 5; i++) {
        harness.processElement(
            value(T0 + i * MIN, i == 2 ? 4 : 6, false), T0 + i * MIN); // a dip restarts the wait
      }
      assertThat(harness.extractOutputValues()).isEmpty();
      for (int i = 6; i <= 8; i++) {
        harness.processElement(value(T0 + i * MIN, 6, false), T0 + i * MIN);
      }
      assertThat(harness.extractOutputValues())
          .singleElement()
          .satisfies(a -> assertThat(a.getChangedAt().toEpochMilli()).isEqualTo(T0 + 8 * MIN));
    }
  }

  @Test
  void aLowerLevelMustHoldForTheMinimumDurationTooAndTheWaitToRaiseAgainStartsWhenTheCoolDownEnds()
      throws Exception {
    try (var harness =
        harness(rules(Duration.ofMinutes(5)))) { // levels 5, 8, 12; clear below 75%; cool-down 30m
      int[][] minutesAndCounts = {{0, 9}, {6, 5}, {8, 9}, {21, 2}, {27, 9}};
      for (int i = 0; i < minutesAndCounts.length; i++) {
        int to = i + 1 < minutesAndCounts.length ? minutesAndCounts[i + 1][0] : 70;
        for (int minute = minutesAndCounts[i][0]; minute < to; minute++) {
          harness.processElement(
              value(T0 + minute * MIN, minutesAndCounts[i][1], false), T0 + minute * MIN);
        }
      }
      // The dip at 6-7 is too short to de-escalate; 21 onwards resolves after 5 minutes; the surge
      // back at 27
      // is raised 5 minutes after the cool-down ends (56), not the minute it ends.
      assertThat(harness.extractOutputValues())
          .extracting(
              a ->
                  a.getState()
                      + " "
                      + a.getLevel()
                      + " at "
                      + (a.getChangedAt().toEpochMilli() - T0) / MIN)
          .containsExactly("RAISED 3 at 5", "RESOLVED 1 at 26", "RAISED 3 at 61");
    }
  }

  @Test
  void flappingAroundAThresholdRaisesAtMostOnceACoolDown() throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      for (int i = 0; i < 60; i++) {
        harness.processElement(value(T0 + i * MIN, i % 2 == 0 ? 6 : 2, false), T0 + i * MIN);
      }
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getState() + " at " + (a.getChangedAt().toEpochMilli() - T0) / MIN)
          .containsExactly("RAISED at 0", "RESOLVED at 1", "RAISED at 32", "RESOLVED at 33");
    }
  }

  @Test
  void aProvisionalRaiseIsResolvedWhenTheFinalValueDoesNotBearItOut() throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      harness.processElement(value(T0 + MIN, 6, true), T0);
      harness.processElement(
          value(T0 + MIN, 4, false), T0 + MIN); // above the hysteresis, below the threshold
      harness.processElement(value(T0 + 40 * MIN, 6, true), T0 + 39 * MIN);
      harness.processElement(value(T0 + 40 * MIN, 7, false), T0 + 40 * MIN); // borne out: no change
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getState() + " " + a.getProvisional())
          .containsExactly("RAISED true", "RESOLVED false", "RAISED true");
    }
  }

  @Test
  void theFinalValueOfAnEarlierWindowNeverLowersOrResolvesAProvisionalRaise() throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      harness.processElement(
          value(T0 + 21 * MIN, 5, true), T0 + 20 * MIN); // raised on the open window
      harness.processElement(
          value(T0 + 20 * MIN, 4, false), T0 + 21 * MIN); // the window before: says nothing of 21
      harness.processElement(value(T0 + 21 * MIN, 5, false), T0 + 21 * MIN); // borne out
      harness.processElement(value(T0 + 41 * MIN, 8, true), T0 + 40 * MIN);
      harness.processElement(
          value(T0 + 30 * MIN, 3, false), T0 + 41 * MIN); // finals lagging far behind
      harness.processElement(value(T0 + 31 * MIN, 3, false), T0 + 41 * MIN);
      assertThat(harness.extractOutputValues())
          .extracting(
              a ->
                  a.getState()
                      + " "
                      + a.getLevel()
                      + " at "
                      + (a.getChangedAt().toEpochMilli() - T0) / MIN)
          .containsExactly("RAISED 2 at 21", "ESCALATED 3 at 41");
    }
  }

  @Test
  void whenFinalsLagOnlyTheFinalValueOfTheRaisingWindowCanWithdrawTheRaise() throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      harness.processElement(
          value(T0 + 21 * MIN, 5, true), T0 + 20 * MIN); // raised on the open window
      for (int minute = 22; minute <= 30; minute++) { // held by hysteresis (4 >= 75% of 5)
        harness.processElement(value(T0 + minute * MIN, 4, true), T0 + minute * MIN);
      }
      harness.processElement(
          value(T0 + 30 * MIN, 4, false), T0 + 31 * MIN); // the finals catch up: still held
      assertThat(harness.extractOutputValues())
          .extracting(
              a ->
                  a.getState()
                      + " "
                      + a.getLevel()
                      + " at "
                      + (a.getChangedAt().toEpochMilli() - T0) / MIN)
          .containsExactly("RAISED 2 at 21");
    }
  }

  @Test
  void aLateCorrectionOfAnOlderWindowDoesNotMoveTheStateBack() throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      harness.processElement(value(T0 + 10 * MIN, 2, false), T0 + 10 * MIN);
      harness.processElement(value(T0 + 5 * MIN, 9, false), T0 + 10 * MIN);
      assertThat(harness.extractOutputValues()).isEmpty();
    }
  }

  @Test
  void stateAndTimersAreClearedWhenTheSeriesHasBeenQuietLongerThanTheBaselineRemembers()
      throws Exception {
    try (var harness = harness(rules(Duration.ZERO))) {
      harness.processElement(value(T0, 6, false), T0);
      harness.processElement(value(T0 + MIN, 0, false), T0 + MIN);
      assertThat(harness.numKeyedStateEntries()).isPositive();
      assertThat(harness.numEventTimeTimers()).isEqualTo(1);
      harness.processWatermark(T0 + Duration.ofDays(7).toMillis() + 2 * 3_600_000L);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void everyFinalValueOfABaselineSeriesGoesOutWithWhatTheBaselineExpects() throws Exception {
    long week = Duration.ofDays(7).toMillis();
    try (var harness = harness(baselineOnly())) {
      harness.processElement(
          value(T0 + 60 * MIN, 4, false), T0 + 60 * MIN); // learns the hour 09:00-10:00
      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .as("no history, no expectation")
          .isNull();
      harness.processElement(value(T0 + week + 60 * MIN, 9, true), T0 + week + 59 * MIN);
      harness.processElement(value(T0 + week + 60 * MIN, 10, false), T0 + week + 60 * MIN);
      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .as("final values only")
          .singleElement()
          .extracting(StreamRecord::getValue)
          .satisfies(
              e -> {
                assertThat(e.windowEnd).isEqualTo(T0 + week + 60 * MIN);
                assertThat(e.expected).isEqualTo(4.0);
                // one week of history: variance 2 x the mean (a Poisson's, doubled for a mean of
                // one week)
                assertThat(e.alertFrom)
                    .isEqualTo(new SeasonalBaseline.Expectation(4.0, 2.0).countAt(3));
              });
    }
  }

  @Test
  void clockHoursWithoutAnyValueAreLearntAsEmpty() throws Exception {
    long week = Duration.ofDays(7).toMillis();
    long hour = 60 * MIN;
    try (var harness = harness(baselineOnly())) {
      harness.processElement(value(T0 + hour, 2, false), T0 + hour); // 09:00-10:00: 2
      harness.processElement(
          value(T0 + 90 * MIN, 0, false), T0 + 90 * MIN); // down to zero at 10:30, then nothing
      harness.processElement(
          value(T0 + 3 * hour + 10 * MIN, 1, false), T0 + 3 * hour + 10 * MIN); // 12:05 an event
      // A week later, the rolling hour 10:30-11:30 covers two clock hours that were empty.
      harness.processElement(value(T0 + week + 150 * MIN, 3, false), T0 + week + 150 * MIN);
      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .as("expected from the empty hours")
          .singleElement()
          .satisfies(e -> assertThat(e.getValue().expected).isZero());
    }
  }

  @Test
  void episodesStayWithTheirRuleWhenTheRulesAreReorderedAndTheJobRestored() throws Exception {
    Threshold low = countRule("low", 5, 8, 12);
    Threshold high = countRule("high", 10, 20, 30);
    Policy policy = new Policy(Duration.ZERO, 0.75, Duration.ofMinutes(30));
    OperatorSubtaskState saved;
    try (var harness =
        harness(
            new AlertRules("Europe/London", policy, List.of(low, high), List.of(), List.of()))) {
      harness.processElement(value(T0, 6, false), T0); // "low" raised, "high" quiet
      assertThat(harness.extractOutputValues())
          .extracting(SurgeAlert::getAlertId)
          .containsExactly("safeguarding-contacts/STEVENAGE/low/2026-03-02T09:00:00Z");
      saved = harness.snapshot(1, T0);
    }
    var reordered =
        new AlertRules("Europe/London", policy, List.of(high, low), List.of(), List.of());
    try (var harness = harness(reordered, saved)) {
      harness.processElement(
          value(T0 + MIN, 7, false), T0 + MIN); // still level 2 of "low": no change
      harness.processElement(value(T0 + 2 * MIN, 2, false), T0 + 2 * MIN);
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getState() + " " + a.getAlertId())
          .containsExactly("RESOLVED safeguarding-contacts/STEVENAGE/low/2026-03-02T09:00:00Z");
    }
  }

  /**
   * Weeks of baseline history come back with a restore: the expectation after it is the one before
   * it.
   */
  @Test
  void aRestoredBaselineKeepsItsHistory() throws Exception {
    long week = Duration.ofDays(7).toMillis();
    OperatorSubtaskState saved;
    try (var harness = harness(baselineOnly())) {
      for (int w = 0; w < 3; w++) {
        harness.processElement(
            value(T0 + w * week + 60 * MIN, 3 + w, false), T0 + w * week + 60 * MIN);
      }
      saved = harness.snapshot(1, T0 + 2 * week);
    }
    try (var harness = harness(baselineOnly(), saved)) {
      harness.processElement(value(T0 + 3 * week + 60 * MIN, 9, false), T0 + 3 * week + 60 * MIN);
      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .as("the three weeks before the restore")
          .singleElement()
          .satisfies(e -> assertThat(e.getValue().expected).isEqualTo(4.0));
    }
  }

  @Test
  void twoBaselineRulesOnOneServiceKeepSeparateHistories() throws Exception {
    long week = Duration.ofDays(7).toMillis();
    var twoBaselines =
        new AlertRules(
            "Europe/London",
            new Policy(Duration.ZERO, 0.75, Duration.ofMinutes(30)),
            List.of(),
            List.of(
                new AlertRules.Baseline(
                    "short",
                    "safeguarding-contacts",
                    Duration.ofHours(1),
                    List.of(3.0, 5.0, 7.0),
                    5,
                    2,
                    1,
                    null,
                    null,
                    null,
                    null),
                new AlertRules.Baseline(
                    "long",
                    "safeguarding-contacts",
                    Duration.ofHours(1),
                    List.of(3.0, 5.0, 7.0),
                    5,
                    3,
                    2,
                    null,
                    null,
                    null,
                    null)),
            List.of());
    try (var harness = harness(twoBaselines)) {
      for (int w = 0; w < 3; w++) {
        harness.processElement(
            value(T0 + w * week + 60 * MIN, 4 + 2 * w, false), T0 + w * week + 60 * MIN);
      }
      // week 1: only the short rule has enough history (4); week 2: the short one keeps the week
      // before (6),
      // the long one both weeks before (5)
      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .extracting(r -> r.getValue().expected)
          .containsExactly(4.0, 6.0, 5.0);
    }
  }

  private static AlertRules baselineOnly() {
    return new AlertRules(
        "Europe/London",
        new Policy(Duration.ZERO, 0.75, Duration.ofMinutes(30)),
        List.of(),
        List.of(
            new AlertRules.Baseline(
                "safeguarding-1h-baseline",
                "safeguarding-contacts",
                Duration.ofHours(1),
                List.of(3.0, 5.0, 7.0),
                5,
                8,
                1,
                null,
                null,
                null,
                null)),
        List.of());
  }

  static KeyedOneInputStreamOperatorTestHarness<String, RollingValue, SurgeAlert> harness(
      AlertRules rules) throws Exception {
    return harness(rules, null);
  }

  /** An opened harness, restored from {@code saved} when given. */
  static KeyedOneInputStreamOperatorTestHarness<String, RollingValue, SurgeAlert> harness(
      AlertRules rules, OperatorSubtaskState saved) throws Exception {
    return harness(new AlertEvaluator(TestConfig.reference(), rules), saved);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, RollingValue, SurgeAlert> harness(
      AlertEvaluator evaluator) throws Exception {
    return harness(evaluator, null);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RollingValue, SurgeAlert> harness(
      AlertEvaluator evaluator, OperatorSubtaskState saved) throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(evaluator), RollingValue::seriesKey, Types.STRING);
    if (saved != null) {
      harness.initializeState(saved);
    }
    harness.open();
    return harness;
  }

  private static RollingValue value(long windowEnd, long count, boolean provisional) {
    return new RollingValue(
        "safeguarding-contacts", "STEVENAGE", "", "PT1H", windowEnd, count, 0, 0, provisional);
  }
}
