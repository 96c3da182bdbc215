package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestConfig;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.sink.CallbackSink;
import io.demandmonitor.sink.KafkaSinks;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A record the broker accepts, just under the producer's 1 MiB request limit, that fails
 * validation: its dead letter (the record plus an envelope and an error quoting it) would be over
 * the limit. It must arrive cut, with the full size and hash, and the records after it must still
 * be counted.
 */
class PoisonRecordTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(8)
              .build());

  private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
  private static final String DEAD_LETTERS = "demand-dead-letters";
  private static final int PRODUCER_LIMIT =
      1_048_576; // max.request.size, the default of producers and the job

  static final ConcurrentLinkedQueue<DemandEvent> EVENTS = new ConcurrentLinkedQueue<>();

  private static KafkaBroker kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaBroker.start();
    kafka.createTopics(
        1,
        "care-referrals",
        "safeguarding-contacts",
        "helpline-calls",
        "testing-events",
        DEAD_LETTERS);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aRecordJustUnderTheLimitBecomesACutDeadLetterAndLaterRecordsAreCounted() throws Exception {
    // An unknown district of a million characters: the record is valid Avro, the error quotes it.
    // 200 bytes under the limit: room for the Kafka record and batch headers, not for a dead
    // letter's envelope.
    int overhead = poison(0).length;
    byte[] poison = poison(PRODUCER_LIMIT - 200 - overhead);
    assertThat(poison.length).isBetween(PRODUCER_LIMIT - 210, PRODUCER_LIMIT - 190);
    kafka.produce(
        List.of(
            new ProducerRecord<>("helpline-calls", 0, T.toEpochMilli(), "k".getBytes(), poison),
            new ProducerRecord<>(
                "helpline-calls",
                0,
                T.plusSeconds(60).toEpochMilli(),
                null,
                KafkaIngestionTest.bytes(
                    KafkaIngestionTest.call("after-1", T.plusSeconds(60), "WATFORD", 3, false))),
            new ProducerRecord<>(
                "helpline-calls",
                0,
                T.plusSeconds(90).toEpochMilli(),
                null,
                KafkaIngestionTest.bytes(
                    KafkaIngestionTest.call("after-2", T.plusSeconds(90), "DACORUM", 4, false)))));

    KafkaSettings settings =
        new KafkaSettings(
            kafka.bootstrapServers(),
            "poison-test",
            "earliest",
            DEAD_LETTERS,
            TestConfig.historicEventTime(),
            Map.of());
    StreamExecutionEnvironment env = TestConfig.flink(new Configuration());
    EVENTS.clear();
    DemandPipeline.Ingested ingested =
        DemandPipeline.ingest(
            KafkaIngest.sources(env, TestConfig.reference(), settings, true),
            TestConfig.pipeline(),
            false);
    ingested.events().sinkTo(new CallbackSink<>(PoisonRecordTest::event));
    ingested.deadLetters().sinkTo(KafkaSinks.deadLetterSink(settings));
    env.execute("poison-record-test");

    assertThat(EVENTS).extracting(e -> e.eventId).containsExactlyInAnyOrder("after-1", "after-2");
    List<ConsumerRecord<byte[], byte[]>> onTopic = kafka.consumeAll(DEAD_LETTERS);
    assertThat(onTopic).hasSize(1);
    assertThat(onTopic.get(0).serializedValueSize()).isLessThan(PRODUCER_LIMIT);
    DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(onTopic.get(0).value()));
    assertThat(letter.getReason()).isEqualTo(InvalidRecordException.UNKNOWN_DISTRICT);
    assertThat(letter.getTruncated()).isTrue();
    assertThat(letter.getRawValueSize()).isEqualTo(poison.length);
    assertThat(letter.getRawValueSha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(poison)));
    byte[] kept = new byte[letter.getRawValue().remaining()];
    letter.getRawValue().get(kept);
    assertThat(kept.length).isGreaterThan(PRODUCER_LIMIT / 2).isLessThan(poison.length);
    assertThat(kept).isEqualTo(Arrays.copyOf(poison, kept.length));
    assertThat(letter.getRawKeySize()).isEqualTo(1);
    assertThat(letter.getRawKey()).isEqualTo(ByteBuffer.wrap("k".getBytes()));
    assertThat(letter.getError()).startsWith("district 'XXX").hasSizeLessThan(1_100);
  }

  private static byte[] poison(int districtLength) {
    return KafkaIngestionTest.bytes(
        KafkaIngestionTest.call("big", T, "X".repeat(districtLength), 1, false));
  }

  private static void event(DemandEvent e) {
    EVENTS.add(e);
  }
}
