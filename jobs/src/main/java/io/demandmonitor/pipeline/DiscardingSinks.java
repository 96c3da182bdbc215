package io.demandmonitor.pipeline;

import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Outputs computed and dropped, for benchmarks that measure the pipeline rather than its sinks; a
 * subclass keeps the output it measures.
 */
public class DiscardingSinks implements PipelineSinks {

  @Override
  public void demand(DataStream<RollingValue> rolling) {
    rolling.sinkTo(new DiscardingSink<>());
  }

  @Override
  public void expected(DataStream<ExpectedDemand> expected) {
    expected.sinkTo(new DiscardingSink<>());
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters.sinkTo(new DiscardingSink<>());
  }

  @Override
  public void health(DataStream<HealthEvent> health) {
    health.sinkTo(new DiscardingSink<>());
  }

  @Override
  public void alerts(DataStream<SurgeAlert> alerts) {
    alerts.sinkTo(new DiscardingSink<>());
  }
}
