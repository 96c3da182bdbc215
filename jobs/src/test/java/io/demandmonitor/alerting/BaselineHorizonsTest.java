package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.demandmonitor.TestConfig;
import io.demandmonitor.alerting.AlertRules.Policy;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.schema.SurgeAlert;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Baseline rules beyond the last hour, through the keyed operator with Flink's test harness: a rule
 * on the 24-hour horizon, the look-back of an hourly rule, and history kept by release 0.2.
 */
class BaselineHorizonsTest {

  private static final long T0 = 1_772_442_000_000L; // Mon 2 Mar 2026 09:00 UTC
  private static final long MIN = 60_000;
  private static final long HOUR = 60 * MIN;
  private static final long WEEK = Duration.ofDays(7).toMillis();
  private static final String ONE_HOUR = "PT1H";
  private static final String ONE_DAY = "PT24H";
  private static final String ONE_WEEK = WindowSettings.label(Duration.ofDays(7));
  private static final String SERIES = value(ONE_HOUR, T0, 0).seriesKey();

  @Test
  void aDailyRuleExpectsTheSumOfTheHoursItsWindowCoversLearntFromHourlyValuesOnly()
      throws Exception {
    try (var harness = harness(rule("daily", Duration.ofHours(24), null))) {
      for (long h = 1; h <= 25; h++) {
        harness.processElement(value(ONE_HOUR, T0 + h * HOUR, 2), T0 + h * HOUR);
      }
      // a daily value on the hour is not an hour's count: it must not be learnt as one
      harness.processElement(value(ONE_DAY, T0 + 25 * HOUR, 48), T0 + 25 * HOUR);
      harness.processElement(value(ONE_HOUR, T0 + WEEK + HOUR, 2), T0 + WEEK + HOUR);
      harness.processElement(value(ONE_DAY, T0 + WEEK + 25 * HOUR, 48), T0 + WEEK + 25 * HOUR);

      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .as("the daily window a week on, expected from 24 hours of 2")
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getValue().horizon).isEqualTo(ONE_DAY);
                assertThat(e.getValue().expected).isEqualTo(48.0);
              });
      assertThat(harness.extractOutputValues()).isEmpty();
    }
  }

  @Test
  void aDailyRuleLearnsNoDispersionFromItsPredictionsInAlert() throws Exception {
    // 100 daily values on the hour at 240 where 240 are expected (dispersion 1), then 100 of a
    // surge to 400 (z 9, in alert): each would add 107 to the squared errors and, learnt, the
    // dispersion would be 5 (the most), the count needed for level 2 356 instead of 289
    assertThat(alertFromAfter(400, 100)).isCloseTo(countAt(3, 240, 1), within(1e-6));
  }

  @Test
  void aDailyRulesFewFarOffPredictionsBelowExpectedDoNotWidenItsDispersion() throws Exception {
    // a day of 100 where 240 are expected (a feed down for hours: no alert, a deficit) is five
    // predictions 82 times a Poisson variance off; counted in full they would take the
    // dispersion of 105 predictions to 3.9 for weeks, winsorized at 2.5 standard deviations 1
    assertThat(alertFromAfter(100, 5)).isCloseTo(countAt(3, 240, 1), within(1e-6));
  }

  /**
   * The count a daily rule (levels 3, 5, 7) needs for level 2 once two weeks of 10 an hour, 100
   * daily values of 240 and then {@code hours} daily values of {@code count} have gone by, back at
   * 240 for 24 hours.
   */
  private static double alertFromAfter(long count, int hours) throws Exception {
    try (var harness = harness(rule("daily", Duration.ofHours(24), null))) {
      long h = 1;
      for (; h <= 2 * 168; h++) {
        harness.processElement(value(ONE_HOUR, T0 + h * HOUR, 10), T0 + h * HOUR);
      }
      for (int i = 0; i < 100 + hours + 24; i++, h++) {
        harness.processElement(value(ONE_HOUR, T0 + h * HOUR, 10), T0 + h * HOUR);
        long daily = i >= 100 && i < 100 + hours ? count : 240;
        harness.processElement(value(ONE_DAY, T0 + h * HOUR, daily), T0 + h * HOUR);
      }
      var expected = harness.getSideOutput(AlertEvaluator.EXPECTED);
      ExpectedDemand last = null;
      for (var e : expected) {
        last = e.getValue();
      }
      assertThat(last.expected).isEqualTo(240.0);
      return last.alertFrom;
    }
  }

  private static double countAt(double z, double mean, double dispersion) {
    return new SeasonalBaseline.Expectation(mean, dispersion).countAt(z);
  }

  @Test
  void aLookBackOfFourHoursRaisesOnARiseTooSmallForOneOrTwoHours() throws Exception {
    assertThat(raisedAfterFourHoursOf20Against10(Duration.ofHours(4)))
        .containsExactly("RAISED 2 at hour 4");
    assertThat(raisedAfterFourHoursOf20Against10(null)).as("the default, two hours").isEmpty();
  }

  /** A week of history of 10 an hour, then four hours of 20: z 1.8, 2.6 and 3.7 over 1, 2, 4. */
  private static List<String> raisedAfterFourHoursOf20Against10(Duration lookBack)
      throws Exception {
    try (var harness = harness(rule("hourly", Duration.ofHours(1), lookBack))) {
      for (long h = 1; h <= 4; h++) {
        harness.processElement(value(ONE_HOUR, T0 + h * HOUR, 10), T0 + h * HOUR);
      }
      for (long h = 1; h <= 4; h++) {
        harness.processElement(value(ONE_HOUR, T0 + WEEK + h * HOUR, 20), T0 + WEEK + h * HOUR);
      }
      return harness.extractOutputValues().stream()
          .map(
              a ->
                  a.getState()
                      + " "
                      + a.getLevel()
                      + " at hour "
                      + (a.getChangedAt().toEpochMilli() - T0 - WEEK) / HOUR)
          .toList();
    }
  }

  @Test
  void minCountIsOfTheHoursSummedSoTwoHoursOfThreeAtNightRaiseWhereOneHourCouldNot()
      throws Exception {
    // A week of empty hours, then a surge of 3 an hour: no hour reaches min-count 5, but two
    // hours together hold 6 where none are expected (Anscombe z 3.8).
    AlertRules rules = rule("hourly", Duration.ofHours(1), null, null, null, 5);
    try (var harness = harness(rules)) {
      harness.processElement(value(ONE_HOUR, T0, 1), T0); // learning starts at 09:00
      for (long h = 1; h <= 2; h++) {
        long end = T0 + WEEK + h * HOUR;
        harness.processElement(value(ONE_HOUR, end, 3), end);
      }
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getState() + " " + a.getLevel() + " observed " + a.getObserved())
          .containsExactly("RAISED 2 observed 3.0");
    }
  }

  @Test
  void exactTailsRaiseOnFewerEventsAtSmallMeansThanAnscombesDeviation() throws Exception {
    // Three weeks in which the hour was empty: mean 0, and for the exact tail one event more over
    // the three weeks, a Poisson of mean 1/3. It puts 3 at z 2.59 and 4 at 3.35; Anscombe's
    // deviation 4 at 2.96 and 5 at 3.41.
    assertThat(raisedOnAnHourOf(3, "exact")).isEmpty();
    assertThat(raisedOnAnHourOf(4, "exact")).containsExactly("RAISED 2");
    assertThat(raisedOnAnHourOf(4, "anscombe")).isEmpty();
    assertThat(raisedOnAnHourOf(5, null)).as("anscombe, the default").containsExactly("RAISED 2");
  }

  private static List<String> raisedOnAnHourOf(long count, String deviation) throws Exception {
    AlertRules rules = rule("hourly", Duration.ofHours(1), Duration.ofHours(1), null, deviation);
    try (var harness = harness(rules)) {
      harness.processElement(value(ONE_HOUR, T0, 1), T0); // learning starts at 09:00
      long end = T0 + 3 * WEEK + HOUR; // 09:00 to 10:00 empty in weeks 0 to 2, learnt as zero
      harness.processElement(value(ONE_HOUR, end, count), end);
      return harness.extractOutputValues().stream()
          .map(a -> a.getState() + " " + a.getLevel())
          .toList();
    }
  }

  @Test
  void aCusumAccumulatesHoursTooSmallAloneAndItsStateIsClearedWithTheSeries() throws Exception {
    AlertRules rules =
        rule("hourly-cusum", Duration.ofHours(1), null, new AlertRules.Cusum(2.0)); // 3, 5, 7
    try (var harness = harness(rules)) {
      for (long h = 1; h <= 2; h++) {
        harness.processElement(value(ONE_HOUR, T0 + h * HOUR, 10), T0 + h * HOUR);
      }
      // a week on, 20 an hour: each hour adds (20 ln 2 - 10) / 2 = 1.93 (one week: dispersion 2)
      harness.processElement(value(ONE_HOUR, T0 + WEEK + HOUR, 20), T0 + WEEK + HOUR);
      assertThat(harness.extractOutputValues()).as("one hour: 1.93").isEmpty();
      harness.processElement(value(ONE_HOUR, T0 + WEEK + 2 * HOUR, 20), T0 + WEEK + 2 * HOUR);
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getState() + " " + a.getLevel() + " at " + a.getChangedAt())
          .as("two hours: 3.86")
          .containsExactly("RAISED 2 at " + java.time.Instant.ofEpochMilli(T0 + WEEK + 2 * HOUR));

      harness.processWatermark(T0 + WEEK + 2 * HOUR + 8 * WEEK + HOUR);
      assertThat(harness.numKeyedStateEntries()).as("history, sums, CUSUM, episodes").isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void historyKeptByRelease02IsMigratedWhenItsSeriesIsNextSeenAndTheOldStateCleared()
      throws Exception {
    try (var harness = harness(rule("safeguarding-1h-baseline", Duration.ofHours(1), null))) {
      int slot =
          new SeasonalBaseline(
                  TestConfig.reference(), ZoneId.of("Europe/London"), 8, 1, Duration.ofHours(1))
              .slot(T0);
      long week = Math.floorDiv(T0, WEEK);
      long[] weeks = new long[16]; // release 0.2: the 8 week numbers, then the 8 counts
      java.util.Arrays.fill(weeks, 0, 8, Long.MIN_VALUE);
      weeks[(int) Math.floorMod(week, 8)] = week;
      weeks[8 + (int) Math.floorMod(week, 8)] = 7;
      MapState<String, long[]> legacy = legacyState(harness, SERIES);
      legacy.put("safeguarding-1h-baseline/" + slot, weeks);
      legacy.put("safeguarding-1h-baseline/-3", new long[] {T0 + HOUR}); // learnt to 10:00
      legacy.put("other-rule/" + slot, weeks);

      harness.processElement(value(ONE_HOUR, T0 + WEEK + HOUR, 7), T0 + WEEK + HOUR);

      assertThat(harness.getSideOutput(AlertEvaluator.EXPECTED))
          .as("expected from the migrated week")
          .singleElement()
          .satisfies(e -> assertThat(e.getValue().expected).isEqualTo(7.0));
      assertThat(legacyState(harness, SERIES).isEmpty())
          .as("release 0.2's state, once read")
          .isTrue();
    }
  }

  @SuppressWarnings("unchecked")
  private static MapState<String, long[]> legacyState(
      KeyedOneInputStreamOperatorTestHarness<String, RollingValue, SurgeAlert> harness, String key)
      throws Exception {
    KeyedStateBackend<String> backend =
        ((AbstractStreamOperator<SurgeAlert>) harness.getOperator()).getKeyedStateBackend();
    backend.setCurrentKey(key);
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE,
        new MapStateDescriptor<>(
            "baseline-history-by-rule",
            Types.STRING,
            PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  @ParameterizedTest(name = "ten weeks from {0}")
  @ValueSource(strings = {"2025-09-01T00:00:00Z", "2026-03-02T00:00:00Z"})
  void keptStatisticsGiveExactlyTheExpectationsAndAlertsOfWorkingThemOutAfresh(String from)
      throws Exception {
    // Ten weeks (the October half-term and the end of summer time; its start and the Easter
    // holidays), an hourly rule with a 4-hour look-back, one with exact tails, a daily and a weekly
    // rule;
    // quiet days and nine silent ones (hours learnt as empty when the series is next seen), surges,
    // provisional values, late corrections of older windows, and checkpoints, which drop what the
    // evaluator keeps.
    AlertRules rules =
        new AlertRules(
            "Europe/London",
            new Policy(Duration.ofMinutes(5), 0.75, Duration.ofMinutes(30)),
            List.of(),
            List.of(
                baseline("hourly", Duration.ofHours(1), Duration.ofHours(4), null),
                baseline("exact", Duration.ofHours(1), null, "exact"),
                baseline("daily", Duration.ofHours(24), null, null),
                baseline("weekly", Duration.ofDays(7), null, null)),
            List.of());
    long start = java.time.Instant.parse(from).toEpochMilli();
    java.util.Random random = new java.util.Random(18);
    List<RollingValue> values = new java.util.ArrayList<>();
    long[] hourly = new long[10 * 168];
    for (int h = 0; h < hourly.length; h++) {
      int day = h / 24;
      boolean quiet = day % 9 == 4 || (day >= 40 && day < 49);
      boolean surge = day % 13 == 7;
      hourly[h] = quiet ? 0 : random.nextInt(surge ? 30 : 2 + (h % 24) / 2);
    }
    for (int h = 2; h < hourly.length; h++) {
      long hourEnd = start + h * HOUR;
      for (long m = 5; m <= 60; m += 5) {
        long end = hourEnd - HOUR + m * MIN;
        long count =
            m == 60 ? hourly[h - 1] : (hourly[h - 2 + (m > 30 ? 1 : 0)] + random.nextInt(3));
        long daily = 0;
        for (int back = Math.max(0, h - 24); back < h; back++) {
          daily += hourly[back];
        }
        if (daily == 0 && count == 0) {
          continue; // an empty series sends nothing
        }
        if (random.nextInt(10) == 0) {
          values.add(value(ONE_HOUR, end + 5 * MIN, count + 2, true));
          values.add(value(ONE_DAY, end + 5 * MIN, daily + 3, true));
        }
        if (m == 60) { // a week of hours: longer than the hours' stats kept
          values.add(value(ONE_WEEK, end, 7 * daily, false));
        }
        values.add(value(ONE_HOUR, end, count, false));
        values.add(value(ONE_DAY, end, daily + random.nextInt(2), false));
        if (random.nextInt(50) == 0) { // a late correction of an older window
          values.add(value(ONE_HOUR, end - 20 * MIN, count + 1, false));
        }
      }
    }
    var kept = AlertEvaluatorTest.harness(new AlertEvaluator(TestConfig.reference(), rules));
    var afresh =
        AlertEvaluatorTest.harness(
            new AlertEvaluator(TestConfig.reference(), rules).withoutKeptStats());
    try (kept;
        afresh) {
      for (int i = 0; i < values.size(); i++) {
        RollingValue v = values.get(i);
        kept.processElement(v, v.windowEnd);
        afresh.processElement(v, v.windowEnd);
        if (i % 5_000 == 4_999) {
          kept.snapshot(i, v.windowEnd);
        }
      }
      List<String> expected = lines(afresh.getSideOutput(AlertEvaluator.EXPECTED));
      assertThat(expected).as("baselines assessed").hasSizeGreaterThan(10_000);
      assertThat(afresh.extractOutputValues()).as("alerts raised").hasSizeGreaterThan(5);
      List<String> fromKept = lines(kept.getSideOutput(AlertEvaluator.EXPECTED));
      for (int i = 0; i < Math.min(expected.size(), fromKept.size()); i++) {
        assertThat(fromKept.get(i)).as("expectation %d", i).isEqualTo(expected.get(i));
      }
      assertThat(fromKept).hasSameSizeAs(expected);
      assertThat(kept.extractOutputValues()).isEqualTo(afresh.extractOutputValues());
    }
  }

  /** Each expectation, its figures to the last bit. */
  private static List<String> lines(java.util.Collection<StreamRecord<ExpectedDemand>> records) {
    return records.stream()
        .map(StreamRecord::getValue)
        .map(e -> e.horizon + " " + e.windowEnd + " " + e.expected + " " + e.alertFrom)
        .toList();
  }

  private static AlertRules.Baseline baseline(
      String id, Duration horizon, Duration lookBack, String deviation) {
    return new AlertRules.Baseline(
        id,
        "safeguarding-contacts",
        horizon,
        List.of(3.0, 4.0, 6.0),
        3,
        8,
        3,
        lookBack,
        null,
        deviation,
        null);
  }

  private static AlertRules rule(String id, Duration horizon, Duration lookBack) {
    return rule(id, horizon, lookBack, null);
  }

  private static AlertRules rule(
      String id, Duration horizon, Duration lookBack, AlertRules.Cusum cusum) {
    return rule(id, horizon, lookBack, cusum, null);
  }

  private static AlertRules rule(
      String id, Duration horizon, Duration lookBack, AlertRules.Cusum cusum, String deviation) {
    return rule(id, horizon, lookBack, cusum, deviation, 1);
  }

  private static AlertRules rule(
      String id,
      Duration horizon,
      Duration lookBack,
      AlertRules.Cusum cusum,
      String deviation,
      long minCount) {
    return new AlertRules(
        "Europe/London",
        new Policy(Duration.ZERO, 0.75, Duration.ofMinutes(30)),
        List.of(),
        List.of(
            new AlertRules.Baseline(
                id,
                "safeguarding-contacts",
                horizon,
                List.of(3.0, 5.0, 7.0),
                minCount,
                8,
                1,
                lookBack,
                cusum,
                deviation,
                null)),
        List.of());
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RollingValue, SurgeAlert> harness(
      AlertRules rules) throws Exception {
    return AlertEvaluatorTest.harness(rules);
  }

  private static RollingValue value(String horizon, long windowEnd, long count) {
    return value(horizon, windowEnd, count, false);
  }

  private static RollingValue value(
      String horizon, long windowEnd, long count, boolean provisional) {
    return new RollingValue(
        "safeguarding-contacts", "STEVENAGE", "", horizon, windowEnd, count, 0, 0, provisional);
  }
}
