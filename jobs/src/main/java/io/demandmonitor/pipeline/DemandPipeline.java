package io.demandmonitor.pipeline;

import io.demandmonitor.alerting.AlertEvaluator;
import io.demandmonitor.alerting.FeedWatch;
import io.demandmonitor.alerting.IncidentGrouper;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.RollingWindows;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.demand.SeriesKey;
import io.demandmonitor.demand.ToSeries;
import io.demandmonitor.demand.WatchedHorizons;
import io.demandmonitor.ingest.DecodeFunction;
import io.demandmonitor.ingest.Deduplicator;
import io.demandmonitor.ingest.DemandEvent;
import io.demandmonitor.ingest.Normaliser;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.model.ArchivedEvent;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one definition of the demand pipeline, shared by the live job, replay and the tests: raw
 * records (with event-time watermarks from their source) are decoded and validated, de-duplicated,
 * and counted in rolling windows per series, on which alert rules are evaluated (and feeds watched
 * for silence), with the seasonal expectation of each value a baseline rule looks at, and the
 * episodes of one surge grouped into one incident; dead letters, late events and duplicates are set
 * aside and reported, never dropped silently.
 */
public final class DemandPipeline {

  private DemandPipeline() {}

  /** What ingestion makes of raw records: unique valid events, and what it set aside. */
  public record Ingested(
      DataStream<DemandEvent> events,
      DataStream<DeadLetter> deadLetters,
      DataStream<DemandEvent> duplicates,
      DataStream<ArchivedEvent> validated) {}

  public static void build(
      DataStream<RawRecord> raw, PipelineSettings settings, PipelineSinks sinks) {
    Ingested ingested = ingest(raw, settings, sinks.archives());

    WatchedHorizons watched = AlertEvaluator.watched(settings.alerts());
    RollingWindows windows =
        settings.replay()
            ? new RollingWindows(settings.windows(), settings.replayResolution(), watched)
            : new RollingWindows(settings.windows());
    if (settings.maxEventAge() != null) {
      windows.withMaxEventAge(settings.maxEventAge(), settings.replayFrom());
    }
    SingleOutputStreamOperator<RollingValue> rolling =
        ingested
            .events()
            .flatMap(new ToSeries())
            .name("to-series")
            .keyBy(SeriesEvent::key)
            .process(windows)
            .name("rolling-windows")
            .uid("rolling-windows");

    DataStream<HealthEvent> health =
        rolling
            .getSideOutput(RollingWindows.ACCEPTED)
            .union(
                ingested
                    .deadLetters()
                    .map(
                        d ->
                            new HealthEvent(
                                d.getSourceTopic(),
                                HealthEvent.DEAD_LETTER,
                                d.getReason(),
                                d.getDeadLetteredAt().toEpochMilli(),
                                1))
                    .returns(HealthEvent.class)
                    .name("dead-letter-health"),
                ingested
                    .duplicates()
                    .map(e -> new HealthEvent(e.service, HealthEvent.DUPLICATE, "", e.eventTime, 1))
                    .returns(HealthEvent.class)
                    .name("duplicate-health"),
                rolling
                    .getSideOutput(RollingWindows.LATE)
                    .filter(e -> SeriesKey.isDistrictTotal(e.area, e.category)) // once per event
                    .map(e -> new HealthEvent(e.service, HealthEvent.LATE, "", e.eventTime, 1))
                    .returns(HealthEvent.class)
                    .name("late-health"));

    DataStream<RollingValue> alertInputs =
        rolling
            .filter(v -> v.category.isEmpty() && watched.contains(v.service, v.horizon))
            .name("alert-inputs");
    // A series' values are already on the subtask that owns the series: keyed by the same key,
    // alert evaluation is chained to the windows, with no shuffle and no serialization.
    SingleOutputStreamOperator<SurgeAlert> evaluated =
        DataStreamUtils.reinterpretAsKeyedStream(alertInputs, RollingValue::seriesKey, Types.STRING)
            .process(new AlertEvaluator(settings.reference(), settings.alerts()))
            .name("evaluate-alerts")
            .uid("evaluate-alerts");
    DataStream<SurgeAlert> alerts =
        settings.replay()
            ? evaluated
            : evaluated.union(
                ingested
                    .events()
                    .map(e -> e.service)
                    .name("feed-activity")
                    .keyBy(service -> "feeds")
                    .process(new FeedWatch(settings.alerts()))
                    .name("watch-feeds")
                    .uid("watch-feeds")
                    .setParallelism(1));

    // A silent feed is no surge, and is already one episode per feed: only surge episodes are
    // grouped.
    DataStream<SurgeIncident> incidents =
        evaluated
            .keyBy(SurgeAlert::getService)
            .process(new IncidentGrouper(settings.alerts().incidentGap()))
            .name("group-incidents")
            .uid("group-incidents");

    sinks.demand(rolling);
    sinks.expected(evaluated.getSideOutput(AlertEvaluator.EXPECTED));
    sinks.deadLetters(ingested.deadLetters());
    if (sinks.archives()) {
      sinks.archive(ingested.validated());
    }
    sinks.health(health);
    sinks.alerts(alerts);
    sinks.incidents(incidents);
  }

  /**
   * Decode and validate (keeping the validated records for an archive if asked), then de-duplicate
   * by event id.
   */
  public static Ingested ingest(
      DataStream<RawRecord> raw, PipelineSettings settings, boolean keepValidated) {
    SingleOutputStreamOperator<DemandEvent> decoded =
        raw.process(
                new DecodeFunction(
                    new Normaliser(settings.reference(), settings.futureMargin()), keepValidated))
            .name("decode-and-validate")
            .uid("decode-and-validate");

    SingleOutputStreamOperator<DemandEvent> unique =
        decoded
            .keyBy(event -> event.eventId)
            .process(new Deduplicator(settings.dedupHorizon()))
            .name("deduplicate")
            .uid("deduplicate");

    return new Ingested(
        unique,
        decoded.getSideOutput(DecodeFunction.DEAD_LETTERS),
        unique.getSideOutput(Deduplicator.DUPLICATES),
        decoded.getSideOutput(DecodeFunction.VALIDATED));
  }
}
