package io.demandmonitor.ingest;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by event id: passes the first copy of an event and sets later copies aside, so a producer
 * retry is never counted twice. The id is remembered until the watermark passes the event time plus
 * the horizon (event time, so replays de-duplicate exactly as live did).
 */
public class Deduplicator extends KeyedProcessFunction<String, DemandEvent, DemandEvent> {

  public static final OutputTag<DemandEvent> DUPLICATES = new OutputTag<>("duplicates") {};

  private final long horizonMillis;
  private transient ValueState<Long> forgetAt;
  private transient SourceCounters duplicates;

  public Deduplicator(Duration horizon) {
    this.horizonMillis = horizon.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Long.class));
    duplicates = new SourceCounters(getRuntimeContext().getMetricGroup(), "duplicates");
  }

  @Override
  public void processElement(DemandEvent event, Context ctx, Collector<DemandEvent> out)
      throws Exception {
    if (forgetAt.value() != null) {
      duplicates.inc(event.service);
      ctx.output(DUPLICATES, event);
      return;
    }
    long forget = event.eventTime + horizonMillis;
    forgetAt.update(forget);
    ctx.timerService().registerEventTimeTimer(forget);
    out.collect(event);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DemandEvent> out) {
    forgetAt.clear();
  }
}
