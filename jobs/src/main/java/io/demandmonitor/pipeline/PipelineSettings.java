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
 * @param replayResolution null live; in a replay of history, the grid demand is written on. A
 *     replay has final values only (provisional ones follow the processing clock), no watch for
 *     silent feeds (it follows the processing clock too), and computes the series no alert rule
 *     looks at only on that grid
 */
public record PipelineSettings(ReferenceData reference, WindowSettings windows, AlertRules alerts,
    Duration futureMargin, Duration dedupHorizon, Duration replayResolution) implements Serializable {

  public static PipelineSettings defaults(ReferenceData reference, WindowSettings windows, AlertRules alerts) {
    return new PipelineSettings(reference, windows, alerts, Duration.ofMinutes(5), Duration.ofHours(24), null);
  }

  /** The same for a replay of history that writes demand on the {@code resolution} grid. */
  public PipelineSettings forReplay(Duration resolution) {
    return new PipelineSettings(reference, windows.withProvisionalEvery(Duration.ZERO), alerts, futureMargin,
        dedupHorizon, resolution);
  }

  public boolean replay() {
    return replayResolution != null;
  }
}
