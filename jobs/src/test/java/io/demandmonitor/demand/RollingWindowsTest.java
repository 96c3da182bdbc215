package io.demandmonitor.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.demand.WindowSettings.Horizon;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class RollingWindowsTest {

  private static final long MIN = 60_000L;
  private static final long T0 = 1_772_445_600_000L; // 2026-03-02T10:00Z, a whole hour

  /** Small horizons so that every behaviour shows within an hour or two. */
  private static final WindowSettings SMALL =
      new WindowSettings(
          List.of(
              new Horizon(Duration.ofMinutes(5), Duration.ofMinutes(1)),
              new Horizon(Duration.ofMinutes(15), Duration.ofMinutes(5)),
              new Horizon(Duration.ofHours(1), Duration.ofMinutes(15))),
          List.of(Duration.ofMinutes(5)),
          Duration.ofMinutes(30),
          Duration.ofSeconds(1));

  /** The shipped horizons (up to 7 days). */
  private static final WindowSettings DEFAULTS =
      new WindowSettings(
          List.of(
              new Horizon(Duration.ofMinutes(15), Duration.ofMinutes(1)),
              new Horizon(Duration.ofHours(1), Duration.ofMinutes(1)),
              new Horizon(Duration.ofHours(24), Duration.ofMinutes(5)),
              new Horizon(Duration.ofDays(7), Duration.ofHours(1))),
          List.of(Duration.ofHours(1), Duration.ofHours(24)),
          Duration.ofHours(24),
          Duration.ofSeconds(2));

  @Test
  void finalValuesWhenTheWatermarkPassesEachStep() throws Exception {
    try (var harness = harness(SMALL)) {
      add(harness, "STEVENAGE", "", T0 + 10_000, 1);
      add(harness, "STEVENAGE", "", T0 + 70_000, 0);
      add(harness, "STEVENAGE", "", T0 + 30_000, 1); // out of order
      harness.processWatermark(T0 + MIN - 2);
      assertThat(finals(harness)).isEmpty();

      harness.processWatermark(T0 + MIN - 1); // minute 10:00 is final
      assertThat(finals(harness)).containsExactly(value("STEVENAGE", "PT5M", T0 + MIN, 2, 2));

      harness.processWatermark(T0 + 5 * MIN - 1);
      assertThat(finals(harness))
          .contains(
              value("STEVENAGE", "PT5M", T0 + 2 * MIN, 3, 2),
              value("STEVENAGE", "PT5M", T0 + 5 * MIN, 3, 2),
              value("STEVENAGE", "PT15M", T0 + 5 * MIN, 3, 2));
      harness.processWatermark(T0 + 7 * MIN - 1); // 10:00 has left the 5-minute window, 10:01 too
      assertThat(last(harness, "PT5M", T0 + 6 * MIN))
          .isEqualTo(value("STEVENAGE", "PT5M", T0 + 6 * MIN, 1, 0));
      assertThat(last(harness, "PT5M", T0 + 7 * MIN))
          .isEqualTo(value("STEVENAGE", "PT5M", T0 + 7 * MIN, 0, 0));
    }
  }

  @Test
  void aSeriesGivesTheSameValuesInTheSameOrderHoweverFarTheWatermarkMovesAtOnce() throws Exception {
    // The alert evaluation learns from a series' 1 h values while it assesses its 24 h ones: if a
    // jump of the watermark gave all of one horizon's values before the next horizon's, what it had
    // learnt at each assessment depended on the sources' timing, and replays differed run to run.
    List<RollingValue> minuteByMinute;
    try (var harness = harness(SMALL)) {
      events(harness);
      for (long t = T0 + MIN - 1; t <= T0 + 3 * 3_600_000L; t += MIN) {
        harness.processWatermark(t);
      }
      minuteByMinute = finals(harness);
    }
    try (var harness = harness(SMALL)) {
      events(harness);
      harness.processWatermark(T0 + 3 * 3_600_000L);
      assertThat(finals(harness)).isNotEmpty().containsExactlyElementsOf(minuteByMinute);
    }
  }

  private static void events(
      KeyedOneInputStreamOperatorTestHarness<String, SeriesEvent, RollingValue> harness)
      throws Exception {
    for (long t = T0 + 1_000; t < T0 + 40 * MIN; t += 7 * MIN) {
      add(harness, "STEVENAGE", "", t, 0);
    }
  }

  @Test
  void anEarlierEventBeforeAnyWatermarkIsOnTimeNotACorrection() throws Exception {
    try (var harness = harness(SMALL)) {
      add(harness, "STEVENAGE", "", T0 + 3_600_000L, 0); // a fast partition's event, an hour ahead
      add(harness, "STEVENAGE", "", T0 + 1_000, 1);
      assertThat(finals(harness)).as("nothing is final before a watermark").isEmpty();
      harness.processWatermark(T0 + MIN - 1);
      assertThat(finals(harness)).containsExactly(value("STEVENAGE", "PT5M", T0 + MIN, 1, 1));
    }
  }

  /**
   * Before the first watermark (as after every restart) the lateness rule cannot tell that an event
   * is ten years old: the maximum age, measured from the processing clock, does.
   */
  @Test
  void anEventOlderThanTheMaximumAgeIsLateEvenBeforeAnyWatermark() throws Exception {
    long tenYearsAgo = T0 - Duration.ofDays(3652).toMillis();
    long sevenDaysAgo = T0 - Duration.ofDays(7).toMillis();
    try (var harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new RollingWindows(SMALL).withMaxEventAge(Duration.ofDays(8), null),
            SeriesEvent::key,
            Types.STRING)) {
      harness.setProcessingTime(T0);
      add(harness, "STEVENAGE", "", tenYearsAgo, 0);
      add(harness, "STEVENAGE", "", sevenDaysAgo, 0);
      harness.processWatermark(T0);
      assertThat(harness.getSideOutput(RollingWindows.LATE))
          .extracting(r -> r.getValue().eventTime)
          .containsExactly(tenYearsAgo);
      assertThat(finals(harness))
          .as("nothing dated ten years ago")
          .allMatch(v -> v.windowEnd > sevenDaysAgo)
          .contains(value("STEVENAGE", "PT5M", sevenDaysAgo + MIN, 1, 0));
    }
  }

  /**
   * A replay measures ages from its start, not from the processing clock, by which all its events
   * are old.
   */
  @Test
  void aReplayMeasuresTheAgeFromItsStart() throws Exception {
    long replayFrom = T0;
    try (var harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new RollingWindows(SMALL)
                .withMaxEventAge(Duration.ofDays(8), java.time.Instant.ofEpochMilli(replayFrom)),
            SeriesEvent::key,
            Types.STRING)) {
      harness.setProcessingTime(replayFrom + Duration.ofDays(365).toMillis());
      add(harness, "STEVENAGE", "", replayFrom - Duration.ofDays(9).toMillis(), 0);
      add(harness, "STEVENAGE", "", replayFrom + 1_000, 0);
      harness.processWatermark(replayFrom + MIN - 1);
      assertThat(harness.getSideOutput(RollingWindows.LATE))
          .extracting(r -> r.getValue().eventTime)
          .containsExactly(replayFrom - Duration.ofDays(9).toMillis());
      assertThat(finals(harness)).contains(value("STEVENAGE", "PT5M", replayFrom + MIN, 1, 0));
    }
  }

  @Test
  void provisionalValuesShowTheOpenWindowAndFinalsReplaceThem() throws Exception {
    try (var harness = harness(SMALL)) {
      harness.processWatermark(T0 - 1);
      harness.setProcessingTime(1_000);
      add(harness, "WATFORD", "", T0 + 20_000, 0);
      add(harness, "WATFORD", "", T0 + 40_000, 0);
      harness.setProcessingTime(2_000); // the provisional tick
      assertThat(harness.extractOutputValues())
          .filteredOn(v -> v.provisional)
          .containsExactlyInAnyOrder(
              new RollingValue("helpline-calls", "WATFORD", "", "PT5M", T0 + MIN, 2, 0, 0, true),
              new RollingValue(
                  "helpline-calls", "WATFORD", "", "PT15M", T0 + 5 * MIN, 2, 0, 0, true),
              new RollingValue(
                  "helpline-calls", "WATFORD", "", "PT1H", T0 + 15 * MIN, 2, 0, 0, true));
      harness.processWatermark(T0 + MIN - 1);
      assertThat(last(harness, "PT5M", T0 + MIN))
          .isEqualTo(value("WATFORD", "PT5M", T0 + MIN, 2, 0));
    }
  }

  /**
   * Once the watermark has passed a series' newest event, its minute-step horizons are final, but a
   * horizon with longer steps still has it only in its open window: that value is shown
   * provisionally, or a longer horizon would count less than a shorter one for up to a step.
   */
  @Test
  void aHorizonWithLongerStepsShowsItsOpenWindowAfterTheShorterOnesAreFinal() throws Exception {
    try (var harness = harness(SMALL)) {
      harness.processWatermark(T0 - 1);
      harness.setProcessingTime(1_000);
      add(harness, "WATFORD", "", T0 + 20_000, 0);
      harness.processWatermark(
          T0 + 2 * MIN - 1); // 10:00 and 10:01 final: PT5M is final, the others open
      harness.setProcessingTime(2_000);
      assertThat(harness.extractOutputValues())
          .filteredOn(v -> v.provisional)
          .containsExactlyInAnyOrder(
              new RollingValue(
                  "helpline-calls", "WATFORD", "", "PT15M", T0 + 5 * MIN, 1, 0, 0, true),
              new RollingValue(
                  "helpline-calls", "WATFORD", "", "PT1H", T0 + 15 * MIN, 1, 0, 0, true));
      assertThat(last(harness, "PT5M", T0 + 2 * MIN))
          .isEqualTo(value("WATFORD", "PT5M", T0 + 2 * MIN, 1, 0));
    }
  }

  @Test
  void aLateEventCorrectsEveryWindowItIsInAndALaterOneIsSetAside() throws Exception {
    try (var harness = harness(SMALL)) {
      add(harness, "DACORUM", "", T0 + 5_000, 0);
      harness.processWatermark(T0 + 20 * MIN - 1);
      harness.getOutput().clear();

      add(
          harness,
          "DACORUM",
          "",
          T0 + 2 * MIN + 1_000,
          1); // 18 minutes late, within the 30 allowed
      assertThat(finals(harness))
          .containsExactlyInAnyOrder(
              value("DACORUM", "PT5M", T0 + 3 * MIN, 2, 1),
              value("DACORUM", "PT5M", T0 + 4 * MIN, 2, 1),
              value("DACORUM", "PT5M", T0 + 5 * MIN, 2, 1),
              value("DACORUM", "PT5M", T0 + 6 * MIN, 1, 1),
              value("DACORUM", "PT5M", T0 + 7 * MIN, 1, 1),
              value("DACORUM", "PT5M", T0 + 8 * MIN, 0, 0), // back to zero, never written before
              value("DACORUM", "PT15M", T0 + 5 * MIN, 2, 1),
              value("DACORUM", "PT15M", T0 + 10 * MIN, 2, 1),
              value("DACORUM", "PT15M", T0 + 15 * MIN, 2, 1),
              value("DACORUM", "PT1H", T0 + 15 * MIN, 2, 1));
      assertThat(harness.getSideOutput(RollingWindows.ACCEPTED))
          .hasSize(2); // 10:00 closed, then the late one

      harness.processWatermark(T0 + 40 * MIN - 1);
      add(harness, "DACORUM", "", T0 + 9 * MIN, 0); // 31 minutes late
      assertThat(harness.getSideOutput(RollingWindows.LATE))
          .extracting(StreamRecord::getValue)
          .extracting(e -> e.eventTime)
          .containsExactly(T0 + 9 * MIN);
    }
  }

  /**
   * Flink does not restore watermarks: until the first one after a restore arrives, a restored
   * series must still know what is final and what is late, or a late event resets it (its windows
   * then count minutes twice or not at all) where the run that never stopped sets it aside.
   */
  @Test
  void aRestoredSeriesJudgesLateEventsAsTheRunningOneDoesBeforeTheFirstWatermark()
      throws Exception {
    try (var running = restorable(null)) {
      add(running, "DACORUM", "", T0 + 5_000, 0);
      add(running, "DACORUM", "", T0 + 25 * MIN, 0);
      running.processWatermark(T0 + 40 * MIN - 1);
      try (var restored = restorable(running.snapshot(1, 1))) {
        running.getOutput().clear();
        for (var harness : List.of(running, restored)) {
          add(harness, "DACORUM", "", T0 + 9 * MIN, 0); // 31 minutes late
          add(harness, "DACORUM", "", T0 + 20 * MIN + 1_000, 1); // 20 minutes late, a correction
          add(harness, "DACORUM", "", T0 + 41 * MIN, 0);
          harness.processWatermark(T0 + 90 * MIN - 1);
        }
        assertThat(restored.getSideOutput(RollingWindows.LATE))
            .extracting(r -> r.getValue().eventTime)
            .containsExactly(T0 + 9 * MIN);
        assertThat(finals(restored)).containsExactlyElementsOf(finals(running));
      }
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SeriesEvent, RollingValue>
      restorable(org.apache.flink.runtime.checkpoint.OperatorSubtaskState state) throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                new RollingWindows(SMALL)),
            SeriesEvent::key,
            Types.STRING);
    if (state != null) {
      harness.initializeState(state);
    }
    harness.open();
    return harness;
  }

  @Test
  void afterTheLastEventEveryHorizonFallsToZeroThenTheSeriesIsForgotten() throws Exception {
    try (var harness = harness(SMALL)) {
      add(harness, "HERTSMERE", "", T0 + 1_000, 0);
      add(harness, "HERTSMERE", "NEGLECT", T0 + 1_000, 0);
      harness.processWatermark(T0 + 3 * 3_600_000L);

      for (String horizon : List.of("PT5M", "PT15M", "PT1H")) {
        List<RollingValue> series =
            finals(harness).stream()
                .filter(v -> v.horizon.equals(horizon) && v.category.isEmpty())
                .toList();
        assertThat(series.get(series.size() - 1).count).as(horizon + " ends at zero").isZero();
        assertThat(series)
            .filteredOn(v -> v.count == 0)
            .as(horizon + " falls to zero once")
            .hasSize(1);
      }
      assertThat(harness.extractOutputValues())
          .filteredOn(v -> v.category.equals("NEGLECT"))
          .extracting(v -> v.horizon)
          .containsOnly("PT5M"); // categories get the category horizons only
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void finalValuesEqualABruteForceOracleOnRandomOutOfOrderAndLateInput() throws Exception {
    for (int seed = 0; seed < 25; seed++) {
      boolean shipped = seed % 5 == 4;
      checkAgainstOracle(seed, shipped ? DEFAULTS : SMALL, shipped ? 2 : 3);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aCategorySeriesWithoutCategoryHorizonsEmitsNothingAndIsForgotten() throws Exception {
    WindowSettings noCategories =
        new WindowSettings(
            DEFAULTS.horizons(), List.of(), DEFAULTS.allowedLateness(), Duration.ZERO);
    try (var harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new RollingWindows(noCategories), SeriesEvent::key, Types.STRING)) {
      add(harness, "STEVENAGE", "NEGLECT", T0, 0);
      harness.processWatermark(T0 + 30 * 86_400_000L);
      assertThat(harness.extractOutputValues()).isEmpty();
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void coarsenedSeriesEqualTheOracleOnTheCoarseGridAndWatchedOnesKeepEveryStep() throws Exception {
    Duration coarse = Duration.ofHours(1);
    WatchedHorizons exact = new WatchedHorizons().add("helpline-calls", Duration.ofHours(1));
    WindowSettings coarsened =
        new WindowSettings(
            DEFAULTS.horizons().stream()
                .map(
                    h ->
                        new WindowSettings.Horizon(
                            h.size(), h.step().compareTo(coarse) < 0 ? coarse : h.step()))
                .toList(),
            DEFAULTS.categoryHorizons(),
            DEFAULTS.allowedLateness(),
            DEFAULTS.provisionalEvery());
    ToLongFunction<String> stepOf =
        id -> id.contains("||PT1H|") ? MIN : steps(coarsened).applyAsLong(id);
    for (int seed = 100; seed < 104; seed++) {
      checkAgainstOracle(
          seed,
          DEFAULTS,
          2,
          new RollingWindows(DEFAULTS, coarse, exact),
          stepOf,
          (accepted, end) -> {
            Map<String, long[]> expected = new HashMap<>();
            RollingOracle.expected(accepted, coarsened, end)
                .forEach(
                    (id, sums) -> {
                      if (!id.contains("||PT1H|")) {
                        expected.put(id, sums);
                      }
                    });
            RollingOracle.expected(accepted, DEFAULTS, end)
                .forEach(
                    (id, sums) -> {
                      if (id.contains(
                          "||PT1H|")) { // the watched horizon of non-category series: every minute
                        expected.put(id, sums);
                      }
                    });
            return expected;
          });
    }
  }

  private void checkAgainstOracle(long seed, WindowSettings settings, int days) throws Exception {
    checkAgainstOracle(
        seed,
        settings,
        days,
        new RollingWindows(settings),
        steps(settings),
        (accepted, end) -> RollingOracle.expected(accepted, settings, end));
  }

  private void checkAgainstOracle(
      long seed,
      WindowSettings settings,
      int days,
      RollingWindows windows,
      ToLongFunction<String> stepOf,
      java.util.function.BiFunction<List<SeriesEvent>, Long, Map<String, long[]>> oracle)
      throws Exception {
    Random random = new Random(seed);
    long bound = 2 * MIN;
    long lateness = settings.allowedLateness().toMillis();
    List<SeriesEvent> events = new ArrayList<>();
    Map<SeriesEvent, Long> arrival = new IdentityHashMap<>();
    String[][] series = {
      {"STEVENAGE", ""}, {"COUNTY", ""}, {"STEVENAGE", "NEGLECT"}, {"WATFORD", ""}
    };
    int n = 200 + random.nextInt(800);
    for (int i = 0; i < n; i++) {
      String[] s = series[random.nextInt(series.length)];
      long time = T0 + (long) (random.nextDouble() * days * 86_400_000L);
      SeriesEvent e =
          new SeriesEvent(
              "helpline-calls", s[0], s[1], time, random.nextInt(2), random.nextInt(300));
      double kind = random.nextDouble();
      long delay =
          kind < 0.9
              ? (long) (random.nextDouble() * bound) // out of order within the bound
              : kind < 0.97
                  ? bound + (long) (random.nextDouble() * lateness) // late, within the lateness
                  : bound
                      + lateness
                      + 2 * MIN
                      + (long) (random.nextDouble() * lateness); // too late
      events.add(e);
      arrival.put(e, time + delay);
    }
    events.sort(Comparator.comparingLong(arrival::get));

    List<SeriesEvent> accepted = new ArrayList<>();
    List<SeriesEvent> corrections = new ArrayList<>(); // accepted into minutes already final
    try (var harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            windows, SeriesEvent::key, Types.STRING)) {
      long watermark = Long.MIN_VALUE;
      long maxArrival = Long.MIN_VALUE;
      for (SeriesEvent e : events) {
        long minute = Math.floorDiv(e.eventTime, MIN) * MIN;
        if (watermark == Long.MIN_VALUE || minute + MIN - 1 + lateness > watermark) {
          accepted.add(e);
          if (watermark != Long.MIN_VALUE && minute + MIN - 1 <= watermark) {
            corrections.add(e);
          }
        }
        harness.processElement(e, e.eventTime);
        maxArrival = Math.max(maxArrival, arrival.get(e));
        if (maxArrival - bound > watermark + 30_000) { // watermarks now and then, from arrival time
          watermark = maxArrival - bound;
          harness.processWatermark(watermark);
        }
      }
      long end = T0 + (days + 10) * 86_400_000L;
      harness.processWatermark(end);

      Map<String, RollingValue> lastFinal = new HashMap<>();
      finals(harness).forEach(v -> lastFinal.put(v.identity(), v));
      Map<String, long[]> expected = oracle.apply(accepted, end);
      for (RollingValue v : lastFinal.values()) {
        long[] sums = expected.getOrDefault(v.identity(), new long[3]);
        assertThat(new long[] {v.count, v.a, v.b})
            .as("seed %d: %s", seed, v.identity())
            .containsExactly(sums);
      }
      assertThat(lastFinal.keySet())
          .as("seed %d: every non-empty window emitted", seed)
          .containsAll(expected.keySet());
      // Complete, not just right: a window end is written where it or the one a step before holds
      // events (so the value falls back once after them), also after late corrections; nothing
      // else.
      Set<String> written = RollingOracle.written(expected, stepOf, end);
      List<String> missing =
          written.stream().filter(id -> !lastFinal.containsKey(id)).sorted().toList();
      assertThat(missing)
          .as(
              "seed %d: %d window ends never written (%d late corrections, %d with nothing near"
                  + " after them)",
              seed,
              missing.size(),
              corrections.size(),
              alone(corrections, accepted, settings, stepOf))
          .isEmpty();
      List<String> extra =
          harness.extractOutputValues().stream()
              .map(RollingValue::identity)
              .filter(id -> !written.contains(id))
              .distinct()
              .sorted()
              .toList();
      assertThat(extra)
          .as("seed %d: written, though neither the window nor the one before holds events", seed)
          .isEmpty();
      assertThat(harness.getSideOutput(RollingWindows.LATE))
          .as("seed %d", seed)
          .hasSize(events.size() - accepted.size());
      assertThat(
              harness.getSideOutput(RollingWindows.ACCEPTED).stream()
                  .mapToLong(r -> r.getValue().count)
                  .sum())
          .as("seed %d: accepted district events in health", seed)
          .isEqualTo(
              accepted.stream()
                  .filter(e -> e.category.isEmpty() && !e.area.equals("COUNTY"))
                  .count());
      assertThat(harness.numKeyedStateEntries()).as("seed %d: state left", seed).isZero();
      assertThat(harness.numEventTimeTimers()).as("seed %d: timers left", seed).isZero();
    }
  }

  /** The step of an identity's horizon, as configured. */
  private static ToLongFunction<String> steps(WindowSettings settings) {
    Map<String, Long> byLabel = new HashMap<>();
    settings.horizons().forEach(h -> byLabel.put(h.label(), h.step().toMillis()));
    return id -> byLabel.get(id.split("\\|", -1)[3]);
  }

  /**
   * Late corrections to a district or county series with no other event of it in the first
   * horizon's windows from the event on until a step after them: only the correction itself can
   * write where their count falls back.
   */
  private static long alone(
      List<SeriesEvent> corrections,
      List<SeriesEvent> accepted,
      WindowSettings settings,
      ToLongFunction<String> stepOf) {
    Horizon first = settings.horizons().get(0);
    long size = first.size().toMillis();
    return corrections.stream()
        .filter(e -> e.category.isEmpty())
        .filter(
            e -> {
              long step = stepOf.applyAsLong(e.key() + "|" + first.label() + "|0");
              long minute = Math.floorDiv(e.eventTime, MIN) * MIN;
              long fall =
                  Math.floorDiv(minute + size, step) * step
                      + step; // the first end past the event's windows
              return accepted.stream()
                  .noneMatch(
                      o ->
                          o != e
                              && o.key().equals(e.key())
                              && o.eventTime >= minute
                              && o.eventTime < fall);
            })
        .count();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SeriesEvent, RollingValue> harness(
      WindowSettings settings) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new RollingWindows(settings), SeriesEvent::key, Types.STRING);
  }

  private static void add(
      KeyedOneInputStreamOperatorTestHarness<String, SeriesEvent, RollingValue> harness,
      String area,
      String category,
      long time,
      long abandoned)
      throws Exception {
    harness.processElement(
        new SeriesEvent("helpline-calls", area, category, time, abandoned, 0), time);
  }

  private static RollingValue value(
      String area, String horizon, long end, long count, long abandoned) {
    return new RollingValue("helpline-calls", area, "", horizon, end, count, abandoned, 0, false);
  }

  private static List<RollingValue> finals(
      KeyedOneInputStreamOperatorTestHarness<String, SeriesEvent, RollingValue> h) {
    return h.extractOutputValues().stream().filter(v -> !v.provisional).toList();
  }

  private static RollingValue last(
      KeyedOneInputStreamOperatorTestHarness<String, SeriesEvent, RollingValue> h,
      String horizon,
      long end) {
    List<RollingValue> of =
        finals(h).stream().filter(v -> v.horizon.equals(horizon) && v.windowEnd == end).toList();
    return of.get(of.size() - 1);
  }
}
