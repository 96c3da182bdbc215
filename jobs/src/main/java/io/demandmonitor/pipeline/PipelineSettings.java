package io.demandmonitor.pipeline;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.util.TimeUtils;

/**
 * What the pipeline needs besides its source and sinks.
 *
 * @param futureMargin how far ahead of the processing clock an event time may be before the record
 *     is invalid
 * @param dedupHorizon how long (event time) an event id is remembered for de-duplication
 * @param maxEventAge events dated more than this before the processing clock (a replay: before
 *     {@code replayFrom}) are set aside as late, even before the first watermark; null for no limit
 * @param replayResolution null live; in a replay of history, the grid demand is written on. A
 *     replay has final values only (provisional ones follow the processing clock), no watch for
 *     silent feeds (it follows the processing clock too), and computes the series no alert rule
 *     looks at only on that grid
 * @param replayFrom null live; in a replay, the start of the replayed range, which event ages are
 *     measured from (every event of a replay is old by the processing clock)
 */
public record PipelineSettings(
    ReferenceData reference,
    WindowSettings windows,
    AlertRules alerts,
    Duration futureMargin,
    Duration dedupHorizon,
    Duration maxEventAge,
    Duration replayResolution,
    Instant replayFrom)
    implements Serializable {

  /**
   * The {@code futureMargin} of {@link #defaults}, written as the command line takes it: the
   * default of {@code --future-margin}.
   */
  public static final String DEFAULT_FUTURE_MARGIN = "5m";

  /** The {@code dedupHorizon} of {@link #defaults}: the default of {@code --dedup-horizon}. */
  public static final String DEFAULT_DEDUP_HORIZON = "24h";

  /**
   * The longest shipped horizon (7 days) plus a day: older events are in no window a dashboard
   * shows.
   */
  public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofDays(8);

  /**
   * The defaults of {@code run}, but with no maximum event age: tests and benchmarks feed fixed
   * dates through live settings, whatever the processing clock says ({@link #withMaxEventAge}).
   */
  public static PipelineSettings defaults(
      ReferenceData reference, WindowSettings windows, AlertRules alerts) {
    return new PipelineSettings(
        reference,
        windows,
        alerts,
        TimeUtils.parseDuration(DEFAULT_FUTURE_MARGIN),
        TimeUtils.parseDuration(DEFAULT_DEDUP_HORIZON),
        null,
        null,
        null);
  }

  /**
   * The same for a replay of history from {@code from} that writes demand on the {@code resolution}
   * grid.
   */
  public PipelineSettings forReplay(Duration resolution, Instant from) {
    return new PipelineSettings(
        reference,
        windows.withProvisionalEvery(Duration.ZERO),
        alerts,
        futureMargin,
        dedupHorizon,
        maxEventAge,
        resolution,
        from);
  }

  /** The same with another maximum event age, or none (null). */
  public PipelineSettings withMaxEventAge(Duration age) {
    return new PipelineSettings(
        reference, windows, alerts, futureMargin, dedupHorizon, age, replayResolution, replayFrom);
  }

  public boolean replay() {
    return replayResolution != null;
  }
}
