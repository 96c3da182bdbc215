package io.demandmonitor.pipeline;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the pipeline needs besides its source and sinks.
 *
 * @param futureMargin how far ahead of the processing clock an event time may be before the record is invalid
 * @param dedupHorizon how long (event time) an event id is remembered for de-duplication
 */
public record PipelineSettings(ReferenceData reference, WindowSettings windows, AlertRules alerts,
    Duration futureMargin, Duration dedupHorizon) implements Serializable {

  public static PipelineSettings defaults(ReferenceData reference, WindowSettings windows, AlertRules alerts) {
    return new PipelineSettings(reference, windows, alerts, Duration.ofMinutes(5), Duration.ofHours(24));
  }
}
