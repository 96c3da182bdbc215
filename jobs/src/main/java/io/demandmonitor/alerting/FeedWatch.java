package io.demandmonitor.alerting;

import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.SurgeAlert;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * No-data detection: a feed that sends nothing for its silent-after time, while it normally sends,
 * raises FEED_SILENT, and a feed never heard from counts as silent from when the first event of any
 * feed arrived; the alert resolves when data returns. Silence is measured on the processing clock,
 * because when every feed stops, event time stops too. Input: the service id of each accepted
 * event, all under one key, as there are only a few feeds. (A start marker from a bounded source
 * would notice a job where no feed ever sends, but a finished source blocks stop-with-savepoint
 * --drain after a restore, seen in KafkaRestartTest.)
 */
public final class FeedWatch extends KeyedProcessFunction<String, String, SurgeAlert> {

  public static final String FEED_SILENT = "FEED_SILENT";
  private static final long CHECK_EVERY = 10_000;

  private final AlertRules rules;

  private transient MapState<String, Long> lastHeard;

  /** Per feed rule id: since when its feed has been silent, while the rule is raised. */
  private transient MapState<String, Long> silentSince;

  private transient ValueState<Long> started;

  public FeedWatch(AlertRules rules) {
    this.rules = rules;
  }

  @Override
  public void open(OpenContext context) {
    lastHeard =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("last-heard", Types.STRING, Types.LONG));
    silentSince =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("silent-since-by-rule", Types.STRING, Types.LONG));
    started = getRuntimeContext().getState(new ValueStateDescriptor<>("started", Types.LONG));
  }

  @Override
  public void processElement(String service, Context ctx, Collector<SurgeAlert> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    if (started.value() == null) {
      started.update(now);
      ctx.timerService().registerProcessingTimeTimer(now - now % CHECK_EVERY + CHECK_EVERY);
    }
    lastHeard.put(service, now);
    for (AlertRules.Feed feed : rules.feeds()) {
      if (feed.service().equals(service)) {
        Long since = silentSince.get(feed.id());
        if (since != null) {
          silentSince.remove(feed.id());
          out.collect(alert(feed, AlertState.RESOLVED, 1, since, now, 0));
        }
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SurgeAlert> out)
      throws Exception {
    if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
      return; // the input has ended (a bounded run, or a stop with drain): no feed can be silent
      // any more
    }
    int hour = Instant.ofEpochMilli(timestamp).atZone(rules.zone()).getHour();
    for (AlertRules.Feed feed : rules.feeds()) {
      Long heard = lastHeard.get(feed.service());
      long quietSince = heard != null ? heard : started.value();
      long silentFor = timestamp - quietSince;
      if (silentFor >= feed.silentAfter().toMillis()
          && feed.activeAt(hour)
          && !silentSince.contains(feed.id())) {
        silentSince.put(feed.id(), quietSince);
        out.collect(alert(feed, AlertState.RAISED, feed.level(), quietSince, timestamp, silentFor));
      }
    }
    ctx.timerService().registerProcessingTimeTimer(timestamp + CHECK_EVERY);
  }

  private SurgeAlert alert(
      AlertRules.Feed feed, AlertState state, int level, long since, long now, long silentFor) {
    return SurgeAlert.newBuilder()
        .setAlertId(
            feed.service()
                + "/"
                + SeriesEvent.COUNTY
                + "/"
                + feed.id()
                + "/"
                + Instant.ofEpochMilli(since))
        .setService(feed.service())
        .setDistrict(SeriesEvent.COUNTY)
        .setLevel(level)
        .setState(state)
        .setDetector(FEED_SILENT)
        .setMeasure("minutes_silent")
        .setWindow(feed.silentAfter().toString())
        .setObserved(silentFor / 60_000.0)
        .setThreshold(feed.silentAfter().toMinutes())
        .setExpected(null)
        .setEpisodeStart(Instant.ofEpochMilli(since))
        .setChangedAt(Instant.ofEpochMilli(now))
        .setProvisional(false)
        .build();
  }
}
