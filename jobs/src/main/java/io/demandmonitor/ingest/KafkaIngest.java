package io.demandmonitor.ingest;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's Kafka sources: one per input topic (its Kafka sinks are in {@code sink.KafkaSinks}).
 */
public final class KafkaIngest {

  private KafkaIngest() {}

  /**
   * Raw records from every service's topic, one source each, merged. Watermarks are per partition
   * ({@link SourceWatermarks}; a bounded run's silent partitions are only marked idle). Offsets are
   * committed to the group on each checkpoint.
   */
  public static DataStream<RawRecord> sources(
      StreamExecutionEnvironment env,
      ReferenceData reference,
      KafkaSettings settings,
      boolean untilLatest) {
    return sources(env, reference, settings, untilLatest ? OffsetsInitializer.latest() : null);
  }

  /** The same, ending at {@code stopAt} (e.g. the offsets of a time), or unbounded when null. */
  public static DataStream<RawRecord> sources(
      StreamExecutionEnvironment env,
      ReferenceData reference,
      KafkaSettings settings,
      OffsetsInitializer stopAt) {
    SourceWatermarks watermarks =
        stopAt == null ? settings.eventTime() : settings.eventTime().bounded();
    DataStream<RawRecord> merged = null;
    for (Service service : reference.services()) {
      var builder =
          KafkaSource.<RawRecord>builder()
              .setProperties(settings.properties())
              .setTopics(service.topic())
              .setGroupId(settings.groupId())
              .setStartingOffsets(KafkaSettings.startingOffsets(settings.startFrom()))
              .setDeserializer(new RawRecordDeserializer(reference))
              .setProperty("commit.offsets.on.checkpoint", "true");
      if (stopAt != null) {
        builder.setBounded(stopAt); // read up to there, then finish
      } else {
        builder.setProperty(
            "partition.discovery.interval.ms", "60000"); // pick up partitions added later
      }
      KafkaSource<RawRecord> source = builder.build();
      String name = "kafka-" + service.topic();
      DataStream<RawRecord> stream = env.fromSource(source, watermarks, name).uid(name);
      merged = merged == null ? stream : merged.union(stream);
    }
    return merged;
  }
}
