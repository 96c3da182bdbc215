package io.demandmonitor.pipeline;

import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import io.demandmonitor.sink.CallbackSink;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Collects the pipeline's outputs in this JVM, for tests on a MiniCluster. One test at a time. */
public final class CollectingSinks implements PipelineSinks {

  private static final ConcurrentLinkedQueue<RollingValue> DEMAND = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<DeadLetter> DEAD_LETTERS =
      new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<HealthEvent> HEALTH = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<SurgeAlert> ALERTS = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<SurgeIncident> INCIDENTS =
      new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<ExpectedDemand> EXPECTED =
      new ConcurrentLinkedQueue<>();

  public static void clear() {
    DEMAND.clear();
    DEAD_LETTERS.clear();
    HEALTH.clear();
    ALERTS.clear();
    INCIDENTS.clear();
    EXPECTED.clear();
  }

  public static List<ExpectedDemand> expected() {
    return List.copyOf(EXPECTED);
  }

  public static List<SurgeAlert> alerts() {
    return List.copyOf(ALERTS);
  }

  public static List<SurgeIncident> incidents() {
    return List.copyOf(INCIDENTS);
  }

  public static List<RollingValue> demand() {
    return List.copyOf(DEMAND);
  }

  public static List<DeadLetter> deadLetters() {
    return List.copyOf(DEAD_LETTERS);
  }

  public static List<HealthEvent> health() {
    return List.copyOf(HEALTH);
  }

  @Override
  public void demand(DataStream<RollingValue> rolling) {
    rolling.sinkTo(new CallbackSink<>(CollectingSinks::addDemand));
  }

  @Override
  public void expected(DataStream<ExpectedDemand> expected) {
    expected.sinkTo(new CallbackSink<>(CollectingSinks::addExpected));
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters.sinkTo(new CallbackSink<>(CollectingSinks::addDeadLetter));
  }

  @Override
  public void health(DataStream<HealthEvent> health) {
    health.sinkTo(new CallbackSink<>(CollectingSinks::addHealth));
  }

  @Override
  public void alerts(DataStream<SurgeAlert> alerts) {
    alerts.sinkTo(new CallbackSink<>(CollectingSinks::addAlert));
  }

  @Override
  public void incidents(DataStream<SurgeIncident> incidents) {
    incidents.sinkTo(new CallbackSink<>(CollectingSinks::addIncident));
  }

  private static void addIncident(SurgeIncident i) {
    INCIDENTS.add(i);
  }

  private static void addDemand(RollingValue c) {
    DEMAND.add(c);
  }

  private static void addExpected(ExpectedDemand e) {
    EXPECTED.add(e);
  }

  private static void addDeadLetter(DeadLetter d) {
    DEAD_LETTERS.add(d);
  }

  private static void addAlert(SurgeAlert a) {
    ALERTS.add(a);
  }

  private static void addHealth(HealthEvent h) {
    HEALTH.add(h);
  }
}
