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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * An evaluation's pipeline outputs: the alert and incident changes, kept in this JVM by run (the
 * pipeline runs on an embedded runtime). Demand, expectations, dead letters and health are not
 * needed and go nowhere.
 */
public final class EvaluationSinks implements PipelineSinks {

  private static final Map<String, ConcurrentLinkedQueue<AlertChange>> ALERTS =
      new ConcurrentHashMap<>();
  private static final Map<String, ConcurrentLinkedQueue<IncidentChange>> INCIDENTS =
      new ConcurrentHashMap<>();

  private final String run;

  public EvaluationSinks(String run) {
    this.run = run;
    ALERTS.put(run, new ConcurrentLinkedQueue<>());
    INCIDENTS.put(run, new ConcurrentLinkedQueue<>());
  }

  /** The incident changes the run published; forgets them. */
  public static List<IncidentChange> takeIncidents(String run) {
    ConcurrentLinkedQueue<IncidentChange> incidents = INCIDENTS.remove(run);
    return incidents == null ? List.of() : List.copyOf(incidents);
  }

  /** The alert changes the run published; forgets them. */
  public static List<AlertChange> take(String run) {
    ConcurrentLinkedQueue<AlertChange> alerts = ALERTS.remove(run);
    return alerts == null ? List.of() : List.copyOf(alerts);
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
    String key = run;
    alerts.sinkTo(new CallbackSink<>(alert -> add(key, alert))).name("evaluation-alerts");
  }

  @Override
  public void incidents(DataStream<SurgeIncident> incidents) {
    String key = run;
    incidents
        .sinkTo(new CallbackSink<>(incident -> add(key, incident)))
        .name("evaluation-incidents");
  }

  private static void add(String run, SurgeIncident incident) {
    INCIDENTS
        .computeIfAbsent(run, r -> new ConcurrentLinkedQueue<>())
        .add(IncidentChange.of(incident));
  }

  private static void add(String run, SurgeAlert alert) {
    ALERTS.computeIfAbsent(run, r -> new ConcurrentLinkedQueue<>()).add(AlertChange.of(alert));
  }
}
