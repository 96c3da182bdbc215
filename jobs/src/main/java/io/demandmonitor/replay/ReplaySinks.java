package io.demandmonitor.replay;

import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.model.ArchivedEvent;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.pipeline.PipelineSinks;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import io.demandmonitor.sink.CallbackSink;
import io.demandmonitor.sink.LocalHandle;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A replay's outputs, passed on to the usual sinks: demand and expected demand only at window ends
 * on the output resolution (alerts are still evaluated on every value), and nothing dated after the
 * replayed range (the end of input would otherwise write every series' fall to zero). Also a
 * bounded run's outputs ({@code run --kafka --no-live}), on a one-minute grid, so it too writes
 * nothing after its input's end. It archives only if the sinks it wraps do (a replay's never do: a
 * replay reads the archive).
 */
public final class ReplaySinks implements PipelineSinks {

  private final PipelineSinks sinks;
  private final long resolution;
  private final long until;
  private final LocalHandle<ReplayProgress> progress;

  /**
   * @param progress where the health stream's counts go; null for nowhere (a bounded run, which may
   *     run on a cluster)
   */
  public ReplaySinks(
      PipelineSinks sinks,
      Duration resolution,
      Instant until,
      LocalHandle<ReplayProgress> progress) {
    this.sinks = sinks;
    this.resolution = resolution.toMillis();
    this.until = until.toEpochMilli();
    this.progress = progress;
  }

  @Override
  public void demand(DataStream<RollingValue> rolling) {
    long step = resolution;
    long end = until;
    sinks.demand(
        rolling
            .filter(v -> v.windowEnd <= end && v.windowEnd % step == 0)
            .name("demand-resolution"));
  }

  @Override
  public void expected(DataStream<ExpectedDemand> expected) {
    long step = resolution;
    long end = until;
    sinks.expected(
        expected
            .filter(e -> e.windowEnd <= end && e.windowEnd % step == 0)
            .name("expected-resolution"));
  }

  @Override
  public boolean archives() {
    return sinks.archives();
  }

  @Override
  public void archive(DataStream<ArchivedEvent> validated) {
    sinks.archive(validated);
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    sinks.deadLetters(deadLetters);
  }

  @Override
  public void health(DataStream<HealthEvent> health) {
    sinks.health(health);
    if (progress != null) {
      LocalHandle<ReplayProgress> counts = progress;
      health
          .sinkTo(new CallbackSink<>(event -> counts.get().counted(event)))
          .name("replay-counts")
          .setParallelism(1);
    }
  }

  @Override
  public void alerts(DataStream<SurgeAlert> alerts) {
    long end = until;
    sinks.alerts(
        alerts.filter(a -> a.getChangedAt().toEpochMilli() <= end).name("alerts-in-range"));
  }

  @Override
  public void incidents(DataStream<SurgeIncident> incidents) {
    long end = until;
    sinks.incidents(
        incidents.filter(i -> i.getChangedAt().toEpochMilli() <= end).name("incidents-in-range"));
  }
}
