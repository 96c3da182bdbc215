package io.demandmonitor.pipeline;

import io.demandmonitor.demand.MinuteCount;
import io.demandmonitor.demand.MinuteCounter;
import io.demandmonitor.ingest.DecodeFunction;
import io.demandmonitor.ingest.Deduplicator;
import io.demandmonitor.ingest.DemandEvent;
import io.demandmonitor.ingest.HealthEvent;
import io.demandmonitor.ingest.Normaliser;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.schema.DeadLetter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one definition of the demand pipeline, shared by the live job, replay and the tests:
 * raw records (with event-time watermarks from their source) are decoded and validated,
 * de-duplicated and counted per minute; dead letters, late events and duplicates are set
 * aside and reported, never dropped silently.
 */
public final class DemandPipeline {

  private DemandPipeline() {}

  public static void build(DataStream<RawRecord> raw, PipelineSettings settings, PipelineSinks sinks) {
    SingleOutputStreamOperator<DemandEvent> decoded = raw
        .process(new DecodeFunction(new Normaliser(settings.reference(), settings.futureMargin())))
        .name("decode-and-validate").uid("decode-and-validate");
    DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DecodeFunction.DEAD_LETTERS);

    SingleOutputStreamOperator<DemandEvent> unique = decoded
        .keyBy(event -> event.eventId)
        .process(new Deduplicator(settings.dedupHorizon()))
        .name("deduplicate").uid("deduplicate");

    SingleOutputStreamOperator<MinuteCount> counts = unique
        .keyBy(MinuteCounter::keyOf)
        .process(new MinuteCounter())
        .name("count-per-minute").uid("count-per-minute");

    DataStream<HealthEvent> health = deadLetters
        .map(d -> new HealthEvent(d.getSourceTopic(), HealthEvent.DEAD_LETTER, d.getReason(),
            d.getDeadLetteredAt().toEpochMilli()))
        .returns(HealthEvent.class).name("dead-letter-health")
        .union(
            unique.getSideOutput(Deduplicator.DUPLICATES)
                .map(e -> new HealthEvent(e.service, HealthEvent.DUPLICATE, "", e.eventTime)).returns(HealthEvent.class)
                .name("duplicate-health"),
            counts.getSideOutput(MinuteCounter.LATE)
                .map(e -> new HealthEvent(e.service, HealthEvent.LATE, "", e.eventTime)).returns(HealthEvent.class)
                .name("late-health"));

    sinks.demand(counts);
    sinks.deadLetters(deadLetters);
    sinks.health(health);
  }
}
