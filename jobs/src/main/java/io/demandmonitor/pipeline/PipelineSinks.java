package io.demandmonitor.pipeline;

import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.model.ArchivedEvent;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the pipeline's outputs go. Production wires InfluxDB and Kafka, the embedded run wires
 * line-protocol files and the console, tests wire collecting sinks.
 */
public interface PipelineSinks {

  void demand(DataStream<RollingValue> rolling);

  /** What the seasonal baselines expect of the series they watch. */
  void expected(DataStream<ExpectedDemand> expected);

  void deadLetters(DataStream<DeadLetter> deadLetters);

  /** Whether these sinks archive validated records: only then does decoding set them aside. */
  default boolean archives() {
    return false;
  }

  /**
   * Every record that passed validation, for the archive replays read; called if {@link
   * #archives()}.
   */
  default void archive(DataStream<ArchivedEvent> validated) {}

  void health(DataStream<HealthEvent> health);

  void alerts(DataStream<SurgeAlert> alerts);

  /**
   * Incident changes: the episodes of one surge, grouped. Sinks that have no use for them leave
   * them.
   */
  default void incidents(DataStream<SurgeIncident> incidents) {}
}
