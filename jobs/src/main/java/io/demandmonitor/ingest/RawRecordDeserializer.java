package io.demandmonitor.ingest;

import io.demandmonitor.config.ReferenceData;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka records into the raw-record envelope, never throwing: decoding and validation happen
 * downstream, where a bad record becomes a dead letter. The timestamp, which drives the partition's
 * watermark, is the earlier of the payload's event time and the Kafka timestamp: event time when
 * producers stamp records at send time, and a payload dated in the future cannot push the watermark
 * ahead of what has really arrived.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

  private final ReferenceData reference;

  public RawRecordDeserializer(ReferenceData reference) {
    this.reference = reference;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
    out.collect(
        new RawRecord(
            record.topic(),
            record.partition(),
            record.offset(),
            Math.min(record.timestamp(), eventTime(record)),
            record.key(),
            record.value()));
  }

  private long eventTime(ConsumerRecord<byte[], byte[]> record) {
    try {
      Feed feed = Feed.forService(reference.serviceForTopic(record.topic()).id());
      Object time = feed.decode(record.value()).get("eventTime");
      return time instanceof Instant instant && instant.toEpochMilli() > 0
          ? instant.toEpochMilli()
          : Long.MAX_VALUE;
    } catch (InvalidRecordException | RuntimeException e) {
      return Long.MAX_VALUE; // undecodable: the Kafka timestamp stands
    }
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
