package io.demandmonitor.sink;

import io.demandmonitor.ingest.DeadLetters;
import io.demandmonitor.ingest.KafkaSettings;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The job's Kafka outputs: the dead-letter, alert and incident topics. */
public final class KafkaSinks {

  private KafkaSinks() {}

  /**
   * Dead letters as Avro single-object records, keyed by the topic they came from; cut to fit the
   * producer's {@code max.request.size} ({@link DeadLetters#fitted}), so any record the broker
   * accepted can be dead-lettered.
   */
  public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings settings) {
    int rawBytes =
        DeadLetters.rawBytesFor(
            Integer.parseInt(
                settings
                    .properties()
                    .getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576")
                    .trim()));
    return avroSink(
        settings,
        settings.deadLetterTopic(),
        DeadLetter.getClassSchema(),
        letter -> DeadLetters.fitted(letter, rawBytes),
        letter -> letter.getSourceTopic(),
        letter -> letter.getDeadLetteredAt().toEpochMilli());
  }

  /**
   * Alert changes as Avro single-object records, keyed by service and district so each series keeps
   * its order.
   */
  public static KafkaSink<SurgeAlert> alertSink(KafkaSettings settings, String topic) {
    return avroSink(
        settings,
        topic,
        SurgeAlert.getClassSchema(),
        alert -> alert,
        alert -> alert.getService() + "|" + alert.getDistrict(),
        alert -> alert.getChangedAt().toEpochMilli());
  }

  /**
   * Incident changes as Avro single-object records, keyed by service so each incident keeps its
   * order.
   */
  public static KafkaSink<SurgeIncident> incidentSink(KafkaSettings settings, String topic) {
    return avroSink(
        settings,
        topic,
        SurgeIncident.getClassSchema(),
        incident -> incident,
        SurgeIncident::getService,
        incident -> incident.getChangedAt().toEpochMilli());
  }

  private static <T extends SpecificRecordBase> KafkaSink<T> avroSink(
      KafkaSettings settings,
      String topic,
      Schema schema,
      SerializableFunction<T, T> fit,
      SerializableFunction<T, String> key,
      SerializableFunction<T, Long> timestamp) {
    return KafkaSink.<T>builder()
        .setKafkaProducerConfig(settings.properties())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(
            new KafkaRecordSerializationSchema<T>() {
              private transient BinaryMessageEncoder<T> encoder;

              @Override
              public ProducerRecord<byte[], byte[]> serialize(
                  T given, KafkaSinkContext context, Long time) {
                T record = fit.apply(given);
                if (encoder == null) {
                  encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
                }
                try {
                  java.nio.ByteBuffer encoded = encoder.encode(record);
                  byte[] value = new byte[encoded.remaining()];
                  encoded.get(value);
                  return new ProducerRecord<>(
                      topic,
                      null,
                      timestamp.apply(record),
                      key.apply(record).getBytes(StandardCharsets.UTF_8),
                      value);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException("cannot encode a " + schema.getName(), e);
                }
              }
            })
        .build();
  }
}
