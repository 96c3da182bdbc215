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
public final class AlertEvaluator extends KeyedProcessFunction<String, RollingValue, SurgeAlert> {

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
   * The baseline history read so far, per series and baseline rule: every value reads the same few
   * slots, and a map lookup is cheaper than keyed state's. Written through, dropped with the state.
   */
  private transient java.util.Map<String, Read[]> historyRead;

  private static final class Read {
    final java.util.Map<Integer, HourHistory> hours = new java.util.HashMap<>();
    BaselineSums sums;
  }

  private transient String currentKey;

  /** What the rules say, resolved once rather than per value: horizon labels, levels, policies. */
  private transient String[] thresholdHorizons;

  private transient java.util.Map<String, double[]>[] thresholdLevels;
  private transient AlertRules.Policy[] thresholdPolicies;
  private transient String[] baselineHorizons;
  private transient double[][] baselineLevels;
  private transient int[] baselineLookBacks;
  private transient AlertRules.Policy[] baselinePolicies;
  private static final double[] NOT_APPLICABLE = new double[0];

  public AlertEvaluator(ReferenceData reference, AlertRules rules) {
    this.reference = reference;
    this.rules = rules;
    this.retention =
        Math.max(1, rules.baselines().stream().mapToInt(AlertRules.Baseline::weeks).max().orElse(0))
            * SeasonalBaseline.WEEK;
    this.lookBack =
        rules.baselines().stream().mapToInt(AlertRules.Baseline::lookBackHours).max().orElse(1);
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
    thresholdPolicies =
        thresholdRules.stream()
            .map(t -> rules.policy(t.policy()))
            .toArray(AlertRules.Policy[]::new);
    @SuppressWarnings("unchecked")
    java.util.Map<String, double[]>[] byArea = new java.util.Map[thresholdRules.size()];
    thresholdLevels = byArea;
    java.util.Arrays.setAll(thresholdLevels, i -> new java.util.HashMap<>());
    baselineHorizons =
        rules.baselines().stream()
            .map(b -> WindowSettings.label(b.horizon()))
            .toArray(String[]::new);
    baselineLevels =
        rules.baselines().stream().map(AlertRules.Baseline::levelArray).toArray(double[][]::new);
    baselineLookBacks =
        rules.baselines().stream().mapToInt(AlertRules.Baseline::lookBackHours).toArray();
    baselinePolicies =
        rules.baselines().stream()
            .map(b -> rules.policy(b.policy()))
            .toArray(AlertRules.Policy[]::new);
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
    historyRead = new java.util.HashMap<>();
    kept = new SeasonalBaseline.History[baselines.length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = historyOf(i, rules.baselines().get(i).id());
    }
  }

  /** One baseline rule's history: its hours and sums in keyed state under the rule's id. */
  private SeasonalBaseline.History historyOf(int rule, String id) {
    String prefix = id + "/";
    return new SeasonalBaseline.History() {
      @Override
      public HourHistory hour(int slot) throws Exception {
        Read read = read(rule);
        HourHistory hour = read.hours.get(slot);
        if (hour == null && !read.hours.containsKey(slot)) {
          hour = hours.get(prefix + slot);
          read.hours.put(slot, hour);
        }
        return hour;
      }

      @Override
      public void put(int slot, HourHistory hour) throws Exception {
        hours.put(prefix + slot, hour);
        read(rule).hours.put(slot, hour);
      }

      @Override
      public BaselineSums sums() throws Exception {
        Read read = read(rule);
        if (read.sums == null) {
          BaselineSums kept = sums.get(id);
          read.sums = kept == null ? new BaselineSums() : kept;
        }
        return read.sums;
      }

      @Override
      public void put(BaselineSums learnt) throws Exception {
        sums.put(id, learnt);
        read(rule).sums = learnt;
      }
    };
  }

  /** What the current series' history of one baseline rule has shown so far. */
  private Read read(int rule) throws Exception {
    Read[] byRule = historyRead.get(currentKey);
    if (byRule == null) {
      byRule = new Read[kept.length];
      java.util.Arrays.setAll(byRule, i -> new Read());
      historyRead.put(currentKey, byRule);
      migrateLegacyHistory();
    }
    return byRule[rule];
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
    currentKey = ctx.getCurrentKey();
    List<AlertRules.Threshold> thresholds = rules.thresholds();
    for (int i = 0; i < thresholds.size(); i++) {
      AlertRules.Threshold rule = thresholds.get(i);
      if (!rule.service().equals(v.service) || !thresholdHorizons[i].equals(v.horizon)) {
        continue;
      }
      double[] levels =
          thresholdLevels[i].computeIfAbsent(
              v.area,
              area -> {
                double[] forArea = rule.levelsFor(area);
                return forArea == null ? NOT_APPLICABLE : forArea;
              });
      if (levels == NOT_APPLICABLE) {
        continue;
      }
      double value = Measure.named(rule.measure()).of(v, reference.population(v.area));
      boolean eligible = !Double.isNaN(value) && v.count >= rule.minimumCount();
      assess(
          rule.id(),
          THRESHOLD,
          rule.measure(),
          v,
          eligible ? value : 0,
          levels,
          eligible,
          thresholdPolicies[i],
          null,
          out);
    }
    List<AlertRules.Baseline> baselines = rules.baselines();
    boolean hourlyFinal = !v.provisional && ONE_HOUR.equals(v.horizon);
    for (int i = 0; i < baselines.size(); i++) {
      AlertRules.Baseline rule = baselines.get(i);
      if (!rule.service().equals(v.service)) {
        continue;
      }
      if (hourlyFinal) {
        this.baselines[i].learn(kept[i], v.windowEnd, v.count);
      }
      if (baselineHorizons[i].equals(v.horizon)) {
        assessBaseline(i, rule, v, ctx, out);
      }
    }
    if (hourlyFinal && lookBack > 1) {
      long[] recent = recentHours();
      int minute = recentIndex(v.windowEnd);
      recent[minute] = v.windowEnd;
      recent[recent.length / 2 + minute] = v.count;
      recentHours.update(recent);
    }
    if (!v.provisional) {
      Long newest = newestFinal.value();
      if (newest == null || v.windowEnd > newest) {
        newestFinal.update(v.windowEnd);
        long due =
            Math.floorDiv(v.windowEnd, HOUR) * HOUR
                + HOUR
                + retention; // moved once an hour, one timer
        Long pending = cleanupAt.value();
        if (pending == null || pending != due) {
          if (pending != null) {
            ctx.timerService().deleteEventTimeTimer(pending);
          }
          ctx.timerService().registerEventTimeTimer(due);
          cleanupAt.update(due);
        }
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
    // deviation of the last hour and of the last 2, 4, ... hours, up to the rule's look-back.
    long sum = v.count;
    long[] recent = baselineLookBacks[index] > 1 && rule.cusum() == null ? recentHours() : null;
    for (int span = 2; recent != null && span <= baselineLookBacks[index]; span++) {
      long end = v.windowEnd - (span - 1) * HOUR;
      int minute = recentIndex(end);
      if (recent[minute] != end) {
        break; // that hour's final count is not known
      }
      sum += recent[recent.length / 2 + minute];
      if (Integer.bitCount(span) == 1) {
        SeasonalBaseline.Expectation longer =
            baseline.expected(kept, v.windowEnd - span * HOUR, v.windowEnd);
        if (longer != null) {
          z = Math.max(z, longer.z(sum));
        }
      }
    }
    double[] levels = baselineLevels[index];
    if (!v.provisional) {
      baseline.assessed(kept, v.windowEnd, v.count, expected);
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
            rule.id(),
            SEASONAL_BASELINE,
            "count",
            v,
            z,
            levels,
            v.count >= rule.minCount(),
            baselinePolicies[index],
            expected,
            out);
    if (episode.level > 1) {
      baseline.alerted(kept, v.windowEnd);
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

  /** Runs one rule's episode on a value and emits its change, if any. */
  private Episode assess(
      String ruleId,
      String detector,
      String measure,
      RollingValue v,
      double value,
      double[] levels,
      boolean eligible,
      AlertRules.Policy policy,
      SeasonalBaseline.Expectation expected,
      Collector<SurgeAlert> out)
      throws Exception {
    Episode episode = episodes.get(ruleId);
    if (episode == null) {
      episode = new Episode();
    }
    Episode.Change change =
        episode.assess(
            v.windowEnd,
            value,
            levels,
            eligible,
            v.provisional,
            Episode.Timing.of(policy),
            v.service + "/" + v.area + "/" + ruleId); // two rules never share an id
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
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SurgeAlert> out)
      throws Exception {
    // Silent for longer than the baseline remembers: nothing worth keeping.
    episodes.clear();
    hours.clear();
    sums.clear();
    cusums.clear();
    legacyHistory.clear();
    historyRead.remove(ctx.getCurrentKey());
    newestFinal.clear();
    cleanupAt.clear();
    recentHours.clear();
  }
}
