package io.demandmonitor.alerting;

import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Keeps a job that catches up on history (a first start reading the topics back, a restart
 * reprocessing since its checkpoint) from publishing past episodes (or incidents) as news. Keyed by
 * alert (incident) id: changes dated before {@code publishFrom} are held, only the newest per
 * episode; when event time reaches {@code publishFrom}, an episode still open is published once
 * with its newest change, and one already resolved is not published at all. Later changes pass
 * straight through (and replace a held one, which would otherwise follow them). State: the held
 * change, cleared by the timer that publishes it.
 */
public final class CatchUpGate<T> extends KeyedProcessFunction<String, T, T>
    implements ResultTypeQueryable<T> {

  private final long publishFrom;
  private final Class<T> type;
  private final SerializableFunction<T, Long> changedAt;
  private final SerializableFunction<T, Boolean> ended;
  private transient ValueState<T> held;

  private CatchUpGate(
      long publishFrom,
      Class<T> type,
      SerializableFunction<T, Long> changedAt,
      SerializableFunction<T, Boolean> ended) {
    this.publishFrom = publishFrom;
    this.type = type;
    this.changedAt = changedAt;
    this.ended = ended;
  }

  /** For alert changes, keyed by alert id. */
  public static CatchUpGate<SurgeAlert> alerts(long publishFrom) {
    return new CatchUpGate<>(
        publishFrom,
        SurgeAlert.class,
        a -> a.getChangedAt().toEpochMilli(),
        a -> a.getState() == AlertState.RESOLVED);
  }

  /** For incident changes, keyed by incident id. */
  public static CatchUpGate<SurgeIncident> incidents(long publishFrom) {
    return new CatchUpGate<>(
        publishFrom,
        SurgeIncident.class,
        i -> i.getChangedAt().toEpochMilli(),
        i -> i.getState() == IncidentState.CLOSED);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }

  @Override
  public void open(OpenContext context) {
    held = getRuntimeContext().getState(new ValueStateDescriptor<>("held-alert", type));
  }

  @Override
  public void processElement(T alert, Context ctx, Collector<T> out) throws Exception {
    if (changedAt.apply(alert) >= publishFrom) {
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
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<T> out) throws Exception {
    T newest = held.value();
    if (newest != null && !ended.apply(newest)) {
      out.collect(newest);
    }
    held.clear();
  }
}
