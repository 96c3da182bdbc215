package io.demandmonitor.evaluate;

import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.evaluate.Scoring.AlertChange;
import io.demandmonitor.evaluate.Scoring.IncidentChange;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.pipeline.PipelineSinks;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import io.demandmonitor.sink.CallbackSink;
import io.demandmonitor.sink.LocalHandle;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * An evaluation's pipeline outputs: the alert and incident changes, kept in this JVM (the pipeline
 * runs on an embedded runtime; its sinks reach this object through a {@link LocalHandle}). Demand,
 * expectations, dead letters and health are not needed and go nowhere. Close it when the run is
 * over.
 */
public final class EvaluationSinks implements PipelineSinks, AutoCloseable {

  /** What the run published. */
  private static final class Collected {
    final Queue<AlertChange> alerts = new ConcurrentLinkedQueue<>();
    final Queue<IncidentChange> incidents = new ConcurrentLinkedQueue<>();
  }

  private final Collected collected = new Collected();
  private final LocalHandle<Collected> handle = LocalHandle.register(collected);

  /** The alert changes the run published. */
  public List<AlertChange> alertChanges() {
    return List.copyOf(collected.alerts);
  }

  /** The incident changes the run published. */
  public List<IncidentChange> incidentChanges() {
    return List.copyOf(collected.incidents);
  }

  @Override
  public void close() {
    handle.close();
  }

  @Override
  public void demand(DataStream<RollingValue> rolling) {}

  @Override
  public void expected(DataStream<ExpectedDemand> expected) {}

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {}

  @Override
  public void health(DataStream<HealthEvent> health) {}

  @Override
  public void alerts(DataStream<SurgeAlert> alerts) {
    LocalHandle<Collected> to = handle;
    alerts
        .sinkTo(new CallbackSink<>(alert -> to.get().alerts.add(AlertChange.of(alert))))
        .name("evaluation-alerts");
  }

  @Override
  public void incidents(DataStream<SurgeIncident> incidents) {
    LocalHandle<Collected> to = handle;
    incidents
        .sinkTo(new CallbackSink<>(incident -> to.get().incidents.add(IncidentChange.of(incident))))
        .name("evaluation-incidents");
  }
}
