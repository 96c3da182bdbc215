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
 * hour's count with the seasonal baseline, whose history this operator also keeps (hours in alert
 * left out). State: one {@link Episode} per rule and one baseline history per baseline rule, both
 * keyed by the rule's id (so reordering alerts.yaml keeps every episode with its rule), and a
 * cleanup timer that clears everything once the series has been silent for longer than the baseline
 * remembers. The expectation of each final value a baseline rule assesses goes to the {@link
 * #EXPECTED} side output.
 */
public final class AlertEvaluator extends KeyedProcessFunction<String, RollingValue, SurgeAlert> {

  public static final String THRESHOLD = "THRESHOLD";
  public static final String SEASONAL_BASELINE = "SEASONAL_BASELINE";
  private static final long HOUR = SeasonalBaseline.HOUR;
  public static final OutputTag<ExpectedDemand> EXPECTED = new OutputTag<>("expected-demand") {};

  private final ReferenceData reference;
  private final AlertRules rules;
  private final long retention;

  private transient MapState<String, Episode> episodes;

  /** Every baseline rule's history, by rule id and slot: "rule-id/slot". */
  private transient MapState<String, long[]> history;

  private transient ValueState<Long> newestFinal;
  private transient ValueState<Long> cleanupAt;

  /** The final 1 h counts of the last hour, by minute of the hour: window end, then count. */
  private transient ValueState<long[]> recentHours;

  /** One per baseline rule, and the keyed history they read and write. */
  private transient SeasonalBaseline[] baselines;

  private transient SeasonalBaseline.History[] kept;

  /**
   * The baseline history read so far, per series and baseline rule: every value reads the same few
   * slots, and a map lookup is cheaper than keyed state's. Written through, dropped with the state.
   */
  private transient java.util.Map<String, List<java.util.Map<Integer, long[]>>> historyRead;

  private transient String currentKey;

  /** What the rules say, resolved once rather than per value: horizon labels, levels, policies. */
  private transient String[] thresholdHorizons;

  private transient java.util.Map<String, double[]>[] thresholdLevels;
  private transient AlertRules.Policy[] thresholdPolicies;
  private transient String[] baselineHorizons;
  private transient double[][] baselineLevels;
  private transient AlertRules.Policy[] baselinePolicies;
  private static final double[] NOT_APPLICABLE = new double[0];

  public AlertEvaluator(ReferenceData reference, AlertRules rules) {
    this.reference = reference;
    this.rules = rules;
    this.retention =
        Math.max(1, rules.baselines().stream().mapToInt(AlertRules.Baseline::weeks).max().orElse(0))
            * SeasonalBaseline.WEEK;
  }

  /** The services' horizons some rule looks at, so the other values need not be sent here. */
  public static WatchedHorizons watched(AlertRules rules) {
    WatchedHorizons watched = new WatchedHorizons();
    rules.thresholds().forEach(t -> watched.add(t.service(), t.horizon()));
    rules.baselines().forEach(b -> watched.add(b.service(), b.horizon()));
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
    history =
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
    baselinePolicies =
        rules.baselines().stream()
            .map(b -> rules.policy(b.policy()))
            .toArray(AlertRules.Policy[]::new);
    baselines =
        rules.baselines().stream()
            .map(b -> new SeasonalBaseline(reference, rules.zone(), b.weeks(), b.minWeeks()))
            .toArray(SeasonalBaseline[]::new);
    historyRead = new java.util.HashMap<>();
    kept = new SeasonalBaseline.History[baselines.length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = historyOf(i, rules.baselines().get(i).id() + "/");
    }
  }

  /** One baseline rule's history: its slots in keyed state under the rule's id. */
  private SeasonalBaseline.History historyOf(int rule, String prefix) {
    return new SeasonalBaseline.History() {
      @Override
      public long[] get(int slot) throws Exception {
        java.util.Map<Integer, long[]> read = read(rule);
        long[] weeks = read.get(slot);
        if (weeks == null && !read.containsKey(slot)) {
          weeks = history.get(prefix + slot);
          read.put(slot, weeks);
        }
        return weeks;
      }

      @Override
      public void put(int slot, long[] weeks) throws Exception {
        history.put(prefix + slot, weeks);
        read(rule).put(slot, weeks);
      }
    };
  }

  /** What the current series' history of one baseline rule has shown so far. */
  private java.util.Map<Integer, long[]> read(int rule) {
    List<java.util.Map<Integer, long[]>> byRule = historyRead.get(currentKey);
    if (byRule == null) {
      byRule = new java.util.ArrayList<>();
      for (int i = 0; i < kept.length; i++) {
        byRule.add(new java.util.HashMap<>());
      }
      historyRead.put(currentKey, byRule);
    }
    return byRule.get(rule);
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
    for (int i = 0; i < baselines.size(); i++) {
      AlertRules.Baseline rule = baselines.get(i);
      if (rule.service().equals(v.service) && baselineHorizons[i].equals(v.horizon)) {
        assessBaseline(i, rule, v, ctx, out);
      }
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
    if (!v.provisional) {
      baseline.learn(kept, v.windowEnd, v.count);
    }
    SeasonalBaseline.Expectation expected =
        baseline.expected(kept, v.windowEnd - HOUR, v.windowEnd);
    if (expected == null) {
      return; // still learning what is normal
    }
    // A sustained surge shows sooner over two hours than over one: the level is the larger of both.
    double z = expected.z(v.count);
    long[] hours = recentHours.value();
    if (hours == null) {
      hours = new long[120];
    }
    int minute = (int) Math.floorMod(v.windowEnd / 60_000, 60);
    if (hours[minute] == v.windowEnd - HOUR) {
      SeasonalBaseline.Expectation twoHours =
          baseline.expected(kept, v.windowEnd - 2 * HOUR, v.windowEnd);
      if (twoHours != null) {
        z = Math.max(z, twoHours.z(v.count + hours[60 + minute]));
      }
    }
    double[] levels = baselineLevels[index];
    if (!v.provisional) {
      hours[minute] = v.windowEnd;
      hours[60 + minute] = v.count;
      recentHours.update(hours);
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
    history.clear();
    historyRead.remove(ctx.getCurrentKey());
    newestFinal.clear();
    cleanupAt.clear();
    recentHours.clear();
  }
}
