package io.demandmonitor.ingest;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.schema.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The job's Kafka ends: one source per input topic, and the dead-letter topic. */
public final class KafkaIngest {

  private KafkaIngest() {}

  /**
   * Raw records from every service's topic, one source each, merged. Watermarks are per
   * partition (bounded out-of-orderness), and a partition that falls idle stops holding the
   * others back. Offsets are committed to the group on each checkpoint.
   */
  public static DataStream<RawRecord> sources(StreamExecutionEnvironment env, ReferenceData reference,
      KafkaSettings settings, boolean untilLatest) {
    WatermarkStrategy<RawRecord> watermarks = WatermarkStrategy
        .<RawRecord>forBoundedOutOfOrderness(settings.outOfOrderness())
        .withTimestampAssigner((raw, kafkaTimestamp) -> raw.timestamp)
        .withIdleness(settings.idleness());
    DataStream<RawRecord> merged = null;
    for (Service service : reference.services()) {
      var builder = KafkaSource.<RawRecord>builder()
          .setProperties(settings.properties())
          .setTopics(service.topic())
          .setGroupId(settings.groupId())
          .setStartingOffsets(KafkaSettings.startingOffsets(settings.startFrom()))
          .setDeserializer(new RawRecordDeserializer(reference))
          .setProperty("commit.offsets.on.checkpoint", "true");
      if (untilLatest) {
        builder.setBounded(OffsetsInitializer.latest()); // read what is there now, then finish
      } else {
        builder.setProperty("partition.discovery.interval.ms", "60000"); // pick up partitions added later
      }
      KafkaSource<RawRecord> source = builder.build();
      String name = "kafka-" + service.topic();
      DataStream<RawRecord> stream = env.fromSource(source, watermarks, name).uid(name);
      merged = merged == null ? stream : merged.union(stream);
    }
    return merged;
  }

  /** Dead letters as Avro single-object records, keyed by the topic they came from. */
  public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings settings) {
    String topic = settings.deadLetterTopic();
    return KafkaSink.<DeadLetter>builder()
        .setKafkaProducerConfig(settings.properties())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer((KafkaRecordSerializationSchema<DeadLetter>) (letter, context, timestamp) -> {
          try {
            java.nio.ByteBuffer encoded = letter.toByteBuffer();
            byte[] value = new byte[encoded.remaining()];
            encoded.get(value);
            return new ProducerRecord<>(topic, null, letter.getDeadLetteredAt().toEpochMilli(),
                letter.getSourceTopic().getBytes(StandardCharsets.UTF_8), value);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot encode a dead letter", e);
          }
        })
        .build();
  }
}
