package io.demandmonitor.alerting;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.Measure;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.WatchedHorizons;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.SurgeAlert;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Evaluates the alert rules on one series' rolling values (keyed by {@link
 * RollingValue#seriesKey()}: service and area), final and provisional, and emits each episode's
 * changes. Threshold rules compare a measure with fixed thresholds; baseline rules compare the
 * count of their horizon (an hour, or longer) with the seasonal baseline, whose history of clock
 * hours this operator also keeps from the final hourly values (hours in alert left out). State: one
 * {@link Episode} per rule and one baseline history per baseline rule ({@link HourHistory} per hour
 * of the week, {@link BaselineSums}), both keyed by the rule's id (so reordering alerts.yaml keeps
 * every episode with its rule), the last hours' final hourly counts, and a cleanup timer that
 * clears everything once the series has been silent for longer than the baseline remembers. History
 * kept by release 0.2 (a {@code long[]} per slot) is migrated when its series is next seen. The
 * expectation of each final value a baseline rule assesses goes to the {@link #EXPECTED} side
 * output.
 */
public final class AlertEvaluator extends KeyedProcessFunction<String, RollingValue, SurgeAlert>
    implements CheckpointedFunction {

  public static final String THRESHOLD = "THRESHOLD";
  public static final String SEASONAL_BASELINE = "SEASONAL_BASELINE";
  private static final long HOUR = SeasonalBaseline.HOUR;
  private static final String ONE_HOUR = WindowSettings.label(java.time.Duration.ofHours(1));
  public static final OutputTag<ExpectedDemand> EXPECTED = new OutputTag<>("expected-demand") {};

  private final ReferenceData reference;
  private final AlertRules rules;
  private final long retention;

  /** The most hours an hourly baseline rule sums: how many hours of final counts are kept. */
  private final int lookBack;

  /** Whether hours' stats and whole hours' sums are kept while they last (tests compare both). */
  private boolean keepStats = true;

  private transient MapState<String, Episode> episodes;

  /** Every baseline rule's hours of the week, by rule id and slot: "rule-id/slot". */
  private transient MapState<String, HourHistory> hours;

  /** Every baseline rule's other sums, by rule id. */
  private transient MapState<String, BaselineSums> sums;

  /** The CUSUM of every baseline rule that has one, by rule id. */
  private transient MapState<String, CusumSums> cusums;

  /** Release 0.2's history, "rule-id/slot" to a long[]: read once per series, then cleared. */
  private transient MapState<String, long[]> legacyHistory;

  private transient ValueState<Long> newestFinal;
  private transient ValueState<Long> cleanupAt;

  /** The final 1 h counts of the hours before the current one that look-backs sum. */
  private transient ValueState<long[]> recentHours;

  /** One per baseline rule, and the keyed history they read and write. */
  private transient SeasonalBaseline[] baselines;

  private transient SeasonalBaseline.History[] kept;

  /**
   * What has been read of each series' keyed state, so that a value reads none of it again (written
   * through, dropped with the state), and what the rules come to for the series, worked out once.
   * Dropped at every checkpoint too: the state objects it holds are the ones an asynchronous
   * snapshot writes, and after it a read returns copies that are safe to change.
   */
  private transient java.util.Map<String, Seen> seen;

  /** The current value's series. */
  private transient Seen current;

  private static final class Seen {
    /** The threshold rules of the series' service that have levels for its area. */
    int[] thresholds;

    /** The baseline rules of its service. */
    int[] baselines;

    /** By threshold rule: its levels for the area. */
    double[][] levels;

    long population;

    /** By rule, thresholds then baselines: the episode once read, and its alert ids' prefix. */
    Episode[] episodes;

    String[] idPrefixes;

    /** By baseline rule: its history as read so far. */
    Read[] reads;

    long newestFinal;
    long cleanupAt;
    long[] recent;
  }

  private static final class Read {
    /** By slot (hours of the week, in term time and in holidays): {@link #ABSENT} if none kept. */
    final HourHistory[] hours = new HourHistory[SLOTS];

    BaselineSums sums;

    /**
     * Hours' stats by hour start, in a ring of hour numbers: those of one value's windows (at most
     * 25 hours) and the next. An hour's stats last until its hour of the week learns a count, or
     * the holiday ratio changes.
     */
    final long[] statsHours = new long[RING];

    final double[][] stats = new double[RING][];

    /** The newest hour whose stats were kept. */
    long newestStats = NONE;

    /** The whole hours' sums of the newest window asked for, from and to. */
    long wholeFrom = NONE;

    long wholeTo;
    double[] whole;

    /** The holiday ratio's sums the kept stats were worked out with. */
    double holidayCounts = Double.NaN;

    double termMeans = Double.NaN;

    Read() {
      changed();
    }

    void changed() {
      java.util.Arrays.fill(statsHours, NONE);
      wholeFrom = NONE;
    }

    /**
     * Drops what depends on the hour of the week starting at {@code hourStart}: its stats in every
     * week kept, earlier ones too (its ring of weeks may have dropped the oldest, which theirs
     * counted), two hours either way, since clock changes move an hour of the week by up to two.
     */
    void learnt(long hourStart) {
      if (newestStats == NONE) {
        return; // nothing kept
      }
      long oldest = newestStats - RING_SPAN;
      if (wholeFrom != NONE) {
        oldest = Math.min(oldest, wholeFrom);
      }
      long week = SeasonalBaseline.WEEK;
      long first = hourStart + Math.floorDiv(oldest - hourStart, week) * week;
      for (long same = first; same <= newestStats + 2 * HOUR; same += week) {
        for (long hour = same - 2 * HOUR; hour <= same + 2 * HOUR; hour += HOUR) {
          int at = at(hour);
          if (statsHours[at] == hour) {
            statsHours[at] = NONE;
          }
          if (hour >= wholeFrom && hour < wholeTo) {
            wholeFrom = NONE;
          }
        }
      }
    }

    /**
     * The stats kept for an hour, if any: only those of the ring's span behind the newest, since
     * {@link #learnt} looks no further back.
     */
    double[] stats(long hourStart) {
      int at = at(hourStart);
      return statsHours[at] == hourStart && hourStart > newestStats - RING_SPAN ? stats[at] : null;
    }

    void keep(long hourStart, double[] kept) {
      int at = at(hourStart);
      statsHours[at] = hourStart;
      stats[at] = kept;
      newestStats = Math.max(newestStats, hourStart);
    }

    private static int at(long hourStart) {
      return (int) Math.floorMod(hourStart / HOUR, RING);
    }

    /** Notes the holiday ratio's sums, dropping every hour's stats if they changed. */
    void ratio(BaselineSums sums) {
      if (sums.holidayCounts != holidayCounts || sums.termMeans != termMeans) {
        changed();
        holidayCounts = sums.holidayCounts;
        termMeans = sums.termMeans;
      }
    }
  }

  private static final long NONE = Long.MIN_VALUE;

  /** Hours' stats kept per series and rule, in a ring by hour number. */
  private static final int RING = 64;

  private static final long RING_SPAN = RING * HOUR;

  /** Baseline slots: the hours of the week, in term time and in school holidays. */
  private static final int SLOTS = 2 * 168;

  private static final HourHistory ABSENT = new HourHistory();

  /** What the rules say, resolved once rather than per value: horizon labels, levels, policies. */
  private transient String[] thresholdHorizons;

  private transient Measure[] thresholdMeasures;
  private transient Episode.Timing[] thresholdTimings;
  private transient String[] baselineHorizons;
  private transient double[][] baselineLevels;
  private transient int[] baselineLookBacks;
  private transient Episode.Timing[] baselineTimings;

  public AlertEvaluator(ReferenceData reference, AlertRules rules) {
    this.reference = reference;
    this.rules = rules;
    this.retention =
        Math.max(1, rules.baselines().stream().mapToInt(AlertRules.Baseline::weeks).max().orElse(0))
            * SeasonalBaseline.WEEK;
    this.lookBack =
        rules.baselines().stream().mapToInt(AlertRules.Baseline::lookBackHours).max().orElse(1);
  }

  /** The same evaluation, working out every hour's stats afresh for every value. */
  AlertEvaluator withoutKeptStats() {
    keepStats = false;
    return this;
  }

  /** The services' horizons some rule looks at, so the other values need not be sent here. */
  public static WatchedHorizons watched(AlertRules rules) {
    WatchedHorizons watched = new WatchedHorizons();
    rules.thresholds().forEach(t -> watched.add(t.service(), t.horizon()));
    rules.baselines().forEach(b -> watched.add(b.service(), b.horizon()));
    // every baseline learns from the final hourly counts
    rules.baselines().forEach(b -> watched.add(b.service(), java.time.Duration.ofHours(1)));
    return watched;
  }

  @Override
  public void open(OpenContext context) {
    // Named anew when they came to be keyed by rule id: the older state, keyed by rule position, is
    // not read.
    episodes =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "episodes-by-rule", Types.STRING, TypeInformation.of(Episode.class)));
    hours =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "baseline-hours", Types.STRING, TypeInformation.of(HourHistory.class)));
    sums =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "baseline-sums", Types.STRING, TypeInformation.of(BaselineSums.class)));
    cusums =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "baseline-cusums", Types.STRING, TypeInformation.of(CusumSums.class)));
    legacyHistory =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "baseline-history-by-rule",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    newestFinal =
        getRuntimeContext().getState(new ValueStateDescriptor<>("newest-final", Types.LONG));
    cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
    recentHours =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "recent-hours", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    List<AlertRules.Threshold> thresholdRules = rules.thresholds();
    thresholdHorizons =
        thresholdRules.stream().map(t -> WindowSettings.label(t.horizon())).toArray(String[]::new);
    thresholdMeasures =
        thresholdRules.stream().map(t -> Measure.named(t.measure())).toArray(Measure[]::new);
    thresholdTimings =
        thresholdRules.stream()
            .map(t -> Episode.Timing.of(rules.policy(t.policy())))
            .toArray(Episode.Timing[]::new);
    baselineHorizons =
        rules.baselines().stream()
            .map(b -> WindowSettings.label(b.horizon()))
            .toArray(String[]::new);
    baselineLevels =
        rules.baselines().stream().map(AlertRules.Baseline::levelArray).toArray(double[][]::new);
    baselineLookBacks =
        rules.baselines().stream().mapToInt(AlertRules.Baseline::lookBackHours).toArray();
    baselineTimings =
        rules.baselines().stream()
            .map(b -> Episode.Timing.of(rules.policy(b.policy())))
            .toArray(Episode.Timing[]::new);
    baselines =
        rules.baselines().stream()
            .map(
                b ->
                    new SeasonalBaseline(
                        reference,
                        rules.zone(),
                        b.weeks(),
                        b.minWeeks(),
                        b.horizon(),
                        b.exactDeviation()))
            .toArray(SeasonalBaseline[]::new);
    seen = new java.util.HashMap<>();
    kept = new SeasonalBaseline.History[baselines.length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = historyOf(i, rules.baselines().get(i).id());
    }
  }

  /** One baseline rule's history: its hours and sums in keyed state under the rule's id. */
  private SeasonalBaseline.History historyOf(int rule, String id) {
    // "rule-id/slot", built once: a state key's hash is then computed once too
    String[] keys = new String[SLOTS];
    java.util.Arrays.setAll(keys, slot -> id + "/" + slot);
    return new SeasonalBaseline.History() {
      @Override
      public HourHistory hour(int slot) throws Exception {
        Read read = read(rule);
        HourHistory hour = read.hours[slot];
        if (hour == null) {
          hour = hours.get(keys[slot]);
          read.hours[slot] = hour == null ? ABSENT : hour;
        }
        return hour == ABSENT ? null : hour;
      }

      @Override
      public void put(int slot, HourHistory hour) throws Exception {
        hours.put(keys[slot], hour);
        read(rule).hours[slot] = hour;
      }

      @Override
      public void learnt(long hourStart) {
        read(rule).learnt(hourStart);
      }

      @Override
      public BaselineSums sums() throws Exception {
        Read read = read(rule);
        if (read.sums == null) {
          BaselineSums kept = sums.get(id);
          read.sums = kept == null ? new BaselineSums() : kept;
          read.ratio(read.sums);
        }
        return read.sums;
      }

      @Override
      public void put(BaselineSums learnt) throws Exception {
        sums.put(id, learnt);
        Read read = read(rule);
        read.sums = learnt;
        read.ratio(learnt);
      }

      @Override
      public double[] stats(long hourStart) {
        if (!keepStats) {
          return null;
        }
        return read(rule).stats(hourStart);
      }

      @Override
      public void stats(long hourStart, double[] stats) {
        read(rule).keep(hourStart, stats);
      }

      @Override
      public double[] wholeHours(long from, long to) {
        if (!keepStats) {
          return null;
        }
        Read read = read(rule);
        return read.wholeFrom == from && read.wholeTo == to ? read.whole : null;
      }

      @Override
      public void wholeHours(long from, long to, double[] sums) {
        Read read = read(rule);
        read.wholeFrom = from;
        read.wholeTo = to;
        read.whole = sums;
      }
    };
  }

  /** What the current series' history of one baseline rule has shown so far. */
  private Read read(int rule) {
    return current.reads[rule];
  }

  /** The current series as seen so far: on its first value since start or cleanup, read afresh. */
  private Seen seen(String key, RollingValue v) throws Exception {
    Seen known = seen.get(key);
    if (known != null) {
      return known;
    }
    Seen series = new Seen();
    List<AlertRules.Threshold> thresholds = rules.thresholds();
    series.levels = new double[thresholds.size()][];
    for (int i = 0; i < thresholds.size(); i++) {
      if (thresholds.get(i).service().equals(v.service)) {
        series.levels[i] = thresholds.get(i).levelsFor(v.area);
      }
    }
    series.thresholds =
        java.util.stream.IntStream.range(0, thresholds.size())
            .filter(i -> series.levels[i] != null)
            .toArray();
    series.baselines =
        java.util.stream.IntStream.range(0, kept.length)
            .filter(i -> rules.baselines().get(i).service().equals(v.service))
            .toArray();
    series.population = reference.population(v.area);
    int ruleCount = thresholds.size() + kept.length;
    series.episodes = new Episode[ruleCount];
    series.idPrefixes = new String[ruleCount];
    series.reads = new Read[kept.length];
    java.util.Arrays.setAll(series.reads, i -> new Read());
    Long newest = newestFinal.value();
    series.newestFinal = newest == null ? NONE : newest;
    Long pending = cleanupAt.value();
    series.cleanupAt = pending == null ? NONE : pending;
    series.recent = recentHours();
    seen.put(key, series);
    current = series;
    migrateLegacyHistory();
    return series;
  }

  /** The current series' history as release 0.2 kept it, if any, into today's state. */
  private void migrateLegacyHistory() throws Exception {
    if (legacyHistory.isEmpty()) {
      return;
    }
    java.util.Map<String, java.util.Map<Integer, long[]>> byRule = new java.util.HashMap<>();
    for (var entry : legacyHistory.entries()) {
      String key = entry.getKey();
      int slash = key.lastIndexOf('/');
      byRule
          .computeIfAbsent(key.substring(0, slash), rule -> new java.util.HashMap<>())
          .put(Integer.parseInt(key.substring(slash + 1)), entry.getValue());
    }
    legacyHistory.clear();
    for (int i = 0; i < kept.length; i++) {
      java.util.Map<Integer, long[]> old = byRule.get(rules.baselines().get(i).id());
      if (old != null) {
        baselines[i].migrate(old, kept[i]);
      }
    }
  }

  @Override
  public void processElement(RollingValue v, Context ctx, Collector<SurgeAlert> out)
      throws Exception {
    Seen series = seen(ctx.getCurrentKey(), v);
    current = series;
    for (int i : series.thresholds) {
      if (!thresholdHorizons[i].equals(v.horizon)) {
        continue;
      }
      AlertRules.Threshold rule = rules.thresholds().get(i);
      double value = thresholdMeasures[i].of(v, series.population);
      boolean eligible = !Double.isNaN(value) && v.count >= rule.minimumCount();
      assess(
          i,
          rule.id(),
          THRESHOLD,
          rule.measure(),
          v,
          eligible ? value : 0,
          series.levels[i],
          eligible,
          thresholdTimings[i],
          null,
          out);
    }
    boolean hourlyFinal = !v.provisional && ONE_HOUR.equals(v.horizon);
    for (int i : series.baselines) {
      if (hourlyFinal) {
        baselines[i].learn(kept[i], v.windowEnd, v.count);
      }
      if (baselineHorizons[i].equals(v.horizon)) {
        assessBaseline(i, rules.baselines().get(i), v, ctx, out);
      }
    }
    if (hourlyFinal && lookBack > 1) {
      long[] recent = series.recent;
      int minute = recentIndex(v.windowEnd);
      recent[minute] = v.windowEnd;
      recent[recent.length / 2 + minute] = v.count;
      recentHours.update(recent);
    }
    if (!v.provisional && (series.newestFinal == NONE || v.windowEnd > series.newestFinal)) {
      series.newestFinal = v.windowEnd;
      newestFinal.update(v.windowEnd);
      long due =
          Math.floorDiv(v.windowEnd, HOUR) * HOUR
              + HOUR
              + retention; // moved once an hour, one timer
      if (series.cleanupAt != due) {
        if (series.cleanupAt != NONE) {
          ctx.timerService().deleteEventTimeTimer(series.cleanupAt);
        }
        ctx.timerService().registerEventTimeTimer(due);
        series.cleanupAt = due;
        cleanupAt.update(due);
      }
    }
  }

  private void assessBaseline(
      int index, AlertRules.Baseline rule, RollingValue v, Context ctx, Collector<SurgeAlert> out)
      throws Exception {
    SeasonalBaseline baseline = baselines[index];
    SeasonalBaseline.History kept = this.kept[index];
    long horizon = rule.horizon().toMillis();
    SeasonalBaseline.Expectation expected =
        baseline.expected(kept, v.windowEnd - horizon, v.windowEnd);
    if (expected == null) {
      return; // still learning what is normal
    }
    double z = rule.cusum() != null ? cusum(index, rule, v, expected) : expected.z(v.count);
    // A sustained surge shows sooner over several hours than over one: the level is the largest
    // deviation of the last hour and of the last 2, 4, ... hours, up to the rule's look-back, of
    // those that hold min-count events (a surge at night brings 2 or 3 an hour: a min-count of the
    // last hour alone held back one whose two hours already stood out).
    boolean eligible = v.count >= rule.minCount();
    z = eligible ? z : Double.NEGATIVE_INFINITY;
    long sum = v.count;
    long[] recent = baselineLookBacks[index] > 1 && rule.cusum() == null ? current.recent : null;
    for (int span = 2; recent != null && span <= baselineLookBacks[index]; span++) {
      long end = v.windowEnd - (span - 1) * HOUR;
      int minute = recentIndex(end);
      if (recent[minute] != end) {
        break; // that hour's final count is not known
      }
      sum += recent[recent.length / 2 + minute];
      if (Integer.bitCount(span) == 1 && sum >= rule.minCount()) {
        SeasonalBaseline.Expectation longer =
            baseline.expected(kept, v.windowEnd - span * HOUR, v.windowEnd);
        if (longer != null) {
          z = Math.max(z, longer.z(sum));
          eligible = true;
        }
      }
    }
    double[] levels = baselineLevels[index];
    if (!v.provisional) {
      ctx.output(
          EXPECTED,
          new ExpectedDemand(
              v.service,
              v.area,
              v.horizon,
              v.windowEnd,
              expected.mean(),
              expected.countAt(levels[0])));
    }
    Episode episode =
        assess(
            rules.thresholds().size() + index,
            rule.id(),
            SEASONAL_BASELINE,
            "count",
            v,
            z,
            levels,
            eligible,
            baselineTimings[index],
            expected,
            out);
    if (episode.level > 1) {
      baseline.alerted(kept, v.windowEnd);
    } else if (!v.provisional) {
      // how far off the expectation was, unless the rule is in alert: as an hourly rule does not
      // learn its hours in alert, a surge it has seen does not widen what it takes for normal noise
      baseline.assessed(kept, v.windowEnd, v.count, expected);
    }
  }

  /**
   * The CUSUM of a rule for the rolling hour ending at {@code v.windowEnd}: the sum of the hour
   * before (the same minute of the hour, 0 if its final value is not known) plus this hour's
   * log-likelihood ratio, kept on final values only.
   */
  private double cusum(
      int index, AlertRules.Baseline rule, RollingValue v, SeasonalBaseline.Expectation expected)
      throws Exception {
    CusumSums kept = cusums.get(rule.id());
    kept = kept == null ? new CusumSums() : kept;
    double shift = rule.cusum().shift();
    double step =
        (v.count * Math.log(shift) - expected.mean() * (shift - 1)) / expected.dispersion();
    double sum = kept.next(v.windowEnd, step, baselineLevels[index][2]);
    if (!v.provisional) {
      kept.put(v.windowEnd, sum);
      cusums.put(rule.id(), kept);
    }
    return sum;
  }

  /**
   * The final hourly counts of the hours before the current one that a look-back sums, by minute:
   * window ends, then counts (afresh if kept for another look-back).
   */
  private long[] recentHours() throws Exception {
    long[] recent = recentHours.value();
    int length = 2 * 60 * (lookBack - 1);
    return recent != null && recent.length == length ? recent : new long[length];
  }

  private int recentIndex(long windowEnd) {
    return (int) Math.floorMod(windowEnd / 60_000, 60 * (lookBack - 1));
  }

  /**
   * Runs one rule's episode on a value and emits its change, if any. {@code rule} indexes
   * thresholds, then baselines.
   */
  private Episode assess(
      int rule,
      String ruleId,
      String detector,
      String measure,
      RollingValue v,
      double value,
      double[] levels,
      boolean eligible,
      Episode.Timing timing,
      SeasonalBaseline.Expectation expected,
      Collector<SurgeAlert> out)
      throws Exception {
    Episode episode = current.episodes[rule];
    if (episode == null) {
      episode = episodes.get(ruleId);
      current.episodes[rule] = episode = episode == null ? new Episode() : episode;
      // two rules never share an id
      current.idPrefixes[rule] = v.service + "/" + v.area + "/" + ruleId;
    }
    Episode.Change change =
        episode.assess(
            v.windowEnd, value, levels, eligible, v.provisional, timing, current.idPrefixes[rule]);
    episodes.put(ruleId, episode);
    if (change != null) {
      int shown =
          Math.max(2, change.level()); // a resolved episode names the threshold it fell below
      double threshold = expected != null ? expected.countAt(levels[shown - 2]) : levels[shown - 2];
      out.collect(
          SurgeAlert.newBuilder()
              .setAlertId(episode.alertId)
              .setService(v.service)
              .setDistrict(v.area)
              .setLevel(change.level())
              .setState(change.state())
              .setDetector(detector)
              .setMeasure(measure)
              .setWindow(v.horizon)
              .setObserved(expected != null ? v.count : value)
              .setThreshold(threshold)
              .setExpected(expected == null ? null : expected.mean())
              .setEpisodeStart(Instant.ofEpochMilli(episode.start))
              .setChangedAt(Instant.ofEpochMilli(v.windowEnd))
              .setProvisional(v.provisional && change.state() != AlertState.RESOLVED)
              .build());
    }
    return episode;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    seen.clear();
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    // keyed state only, opened in open()
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SurgeAlert> out)
      throws Exception {
    // Silent for longer than the baseline remembers: nothing worth keeping.
    episodes.clear();
    hours.clear();
    sums.clear();
    cusums.clear();
    legacyHistory.clear();
    seen.remove(ctx.getCurrentKey());
    newestFinal.clear();
    cleanupAt.clear();
    recentHours.clear();
  }
}
