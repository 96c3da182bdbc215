package io.demandmonitor.alerting;

import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.SurgeAlert;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps a job that catches up on history (a first start reading the topics back, a restart
 * reprocessing since its checkpoint) from publishing past episodes as news. Keyed by alert id:
 * changes dated before {@code publishFrom} are held, only the newest per episode; when event
 * time reaches {@code publishFrom}, an episode still open is published once with its newest
 * change, and one already resolved is not published at all. Later changes pass straight through
 * (and replace a held one, which would otherwise follow them).
 * State: the held change, cleared by the timer that publishes it.
 */
public final class CatchUpGate extends KeyedProcessFunction<String, SurgeAlert, SurgeAlert> {

  private final long publishFrom;
  private transient ValueState<SurgeAlert> held;

  public CatchUpGate(long publishFrom) {
    this.publishFrom = publishFrom;
  }

  @Override
  public void open(OpenContext context) {
    held = getRuntimeContext().getState(new ValueStateDescriptor<>("held-alert", SurgeAlert.class));
  }

  @Override
  public void processElement(SurgeAlert alert, Context ctx, Collector<SurgeAlert> out) throws Exception {
    if (alert.getChangedAt().toEpochMilli() >= publishFrom) {
      if (held.value() != null) { // superseded: publishing the held change later would reorder them
        ctx.timerService().deleteEventTimeTimer(publishFrom);
        held.clear();
      }
      out.collect(alert);
      return;
    }
    if (held.value() == null) {
      ctx.timerService().registerEventTimeTimer(publishFrom);
    }
    held.update(alert);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SurgeAlert> out) throws Exception {
    SurgeAlert newest = held.value();
    if (newest != null && newest.getState() != AlertState.RESOLVED) {
      out.collect(newest);
    }
    held.clear();
  }
}
