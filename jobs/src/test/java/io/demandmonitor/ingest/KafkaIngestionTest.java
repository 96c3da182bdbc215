package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.schema.CareReferral;
import io.demandmonitor.schema.Channel;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.schema.SafeguardingContact;
import io.demandmonitor.schema.SubjectType;
import io.demandmonitor.schema.TestResult;
import io.demandmonitor.schema.TestType;
import io.demandmonitor.schema.TestingEvent;
import io.demandmonitor.schema.Urgency;
import io.demandmonitor.sink.CallbackSink;
import io.demandmonitor.sink.KafkaSinks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ingestion through a real Kafka broker: a known mix of good, malformed, invalid, duplicate and
 * out-of-order records on the four topics, and records written with another released version of
 * their schema, becomes exactly the expected demand events, dead letters (on the real dead-letter
 * topic, with their reasons and raw bytes) and duplicates.
 */
class KafkaIngestionTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(8)
              .build());

  private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
  private static final String DEAD_LETTERS = "demand-dead-letters";

  static final ConcurrentLinkedQueue<DemandEvent> EVENTS = new ConcurrentLinkedQueue<>();
  static final ConcurrentLinkedQueue<DemandEvent> DUPLICATES = new ConcurrentLinkedQueue<>();

  private static KafkaBroker kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaBroker.start();
    kafka.createTopics(
        2, "care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events");
    kafka.createTopics(1, DEAD_LETTERS);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  /** A record to produce, and what ingestion must make of it. */
  record Case(
      ProducerRecord<byte[], byte[]> record, DemandEvent expected, String deadLetterReason) {}

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aKnownMixBecomesExactlyTheExpectedEventsDeadLettersAndDuplicates() throws Exception {
    HelplineCall h1 = call("h1", T.plusSeconds(10), "WELWYN_HATFIELD", 42, true);
    List<Case> cases =
        List.of(
            good(
                0,
                h1,
                new DemandEvent(
                    "h1",
                    "helpline-calls",
                    "WELWYN_HATFIELD",
                    "FOOD",
                    T.plusSeconds(10).toEpochMilli(),
                    42,
                    true,
                    null)),
            good(
                0,
                call("h2", T.plusSeconds(70), "WATFORD", 5, false),
                new DemandEvent(
                    "h2",
                    "helpline-calls",
                    "WATFORD",
                    "FOOD",
                    T.plusSeconds(70).toEpochMilli(),
                    5,
                    false,
                    null)),
            duplicate(0, h1),
            good(
                0,
                call(
                    "h3", T.plusSeconds(40), "WATFORD", 7, false), // out of order, within the bound
                new DemandEvent(
                    "h3",
                    "helpline-calls",
                    "WATFORD",
                    "FOOD",
                    T.plusSeconds(40).toEpochMilli(),
                    7,
                    false,
                    null)),
            bad(
                "helpline-calls",
                0,
                new byte[] {(byte) 0xC3, 0x01, 9, 9},
                InvalidRecordException.UNDECODABLE),
            bad(
                "helpline-calls",
                1,
                bytes(call("h4", T, "ATLANTIS", 1, false)),
                InvalidRecordException.UNKNOWN_DISTRICT),
            bad(
                "helpline-calls",
                1,
                bytes(call("h5", Instant.now().plus(Duration.ofDays(1)), "WATFORD", 1, false)),
                InvalidRecordException.FUTURE_EVENT_TIME),
            bad(
                "helpline-calls",
                1,
                bytes(call("h6", T, "WATFORD", -3, false)),
                InvalidRecordException.INVALID_VALUE),
            good(
                1,
                new SafeguardingContact(
                    "s1", T.plusSeconds(5), "STEVENAGE", "SCHOOL", "NEGLECT", SubjectType.CHILD),
                new DemandEvent(
                    "s1",
                    "safeguarding-contacts",
                    "STEVENAGE",
                    "NEGLECT",
                    T.plusSeconds(5).toEpochMilli(),
                    0,
                    false,
                    null)),
            bad(
                "safeguarding-contacts",
                0,
                bytes(
                    new SafeguardingContact(
                        "s2", T, "STEVENAGE", "SCHOOL", "GOSSIP", SubjectType.CHILD)),
                InvalidRecordException.UNKNOWN_CATEGORY),
            good(
                0,
                new TestingEvent(
                    "t1",
                    T.plusSeconds(15),
                    "DACORUM",
                    "DAC-01",
                    TestType.PCR,
                    TestResult.POSITIVE),
                new DemandEvent(
                    "t1",
                    "testing-events",
                    "DACORUM",
                    "PCR",
                    T.plusSeconds(15).toEpochMilli(),
                    0,
                    false,
                    "POSITIVE")),
            bad(
                "testing-events",
                1,
                bytes(
                    new TestingEvent(
                        "t2", T, "DACORUM", "NOWHERE", TestType.PCR, TestResult.NEGATIVE)),
                InvalidRecordException.INVALID_VALUE),
            // A helpline call sent to the care-referrals topic does not decode as a referral.
            bad(
                "care-referrals",
                0,
                bytes(call("c0", T, "WATFORD", 1, false)),
                InvalidRecordException.UNDECODABLE),
            good(
                1,
                new CareReferral(
                    "c1", T.plusSeconds(25), "HERTSMERE", "GP", "MENTAL_HEALTH", Urgency.URGENT),
                referral("c1", T.plusSeconds(25))),
            // Producers on the released v1, and producers on a v2 released before this job's
            // schema moved (CareReferral-v2.avsc, a test fixture): both are referrals.
            written(
                "care-referrals",
                0,
                FeedTest.referral(
                    FeedTest.released("CareReferral-v1.avsc"), "c2", T.plusSeconds(35)),
                referral("c2", T.plusSeconds(35))),
            written(
                "care-referrals",
                1,
                FeedTest.referral(
                    FeedTest.released("CareReferral-v2.avsc"), "c3", T.plusSeconds(45)),
                referral("c3", T.plusSeconds(45))));

    List<RecordMetadata> landed = kafka.produce(cases.stream().map(Case::record).toList());

    ReferenceData reference = TestConfig.reference();
    KafkaSettings settings =
        new KafkaSettings(
            kafka.bootstrapServers(),
            "ingestion-test",
            "earliest",
            DEAD_LETTERS,
            TestConfig.historicEventTime(),
            Map.of());
    StreamExecutionEnvironment env = environment();
    EVENTS.clear();
    DUPLICATES.clear();
    DemandPipeline.Ingested ingested =
        DemandPipeline.ingest(
            KafkaIngest.sources(env, reference, settings, true), TestConfig.pipeline(), false);
    ingested.events().sinkTo(new CallbackSink<>(KafkaIngestionTest::event));
    ingested.duplicates().sinkTo(new CallbackSink<>(KafkaIngestionTest::duplicate));
    ingested.deadLetters().sinkTo(KafkaSinks.deadLetterSink(settings));
    env.execute("kafka-ingestion-test");

    assertThat(EVENTS)
        .containsExactlyInAnyOrderElementsOf(
            cases.stream().filter(c -> c.expected() != null).map(Case::expected).toList());
    assertThat(DUPLICATES).extracting(e -> e.eventId).containsExactly("h1");

    List<String> expectedLetters = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      if (c.deadLetterReason() != null) {
        expectedLetters.add(
            c.record().topic()
                + "/"
                + landed.get(i).partition()
                + "/"
                + landed.get(i).offset()
                + "/"
                + c.deadLetterReason()
                + "/"
                + ByteBuffer.wrap(c.record().value()));
      }
    }
    List<ConsumerRecord<byte[], byte[]>> onTopic = kafka.consumeAll(DEAD_LETTERS);
    List<String> letters = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : onTopic) {
      DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value()));
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(letter.getSourceTopic());
      assertThat(letter.getError()).isNotBlank();
      letters.add(
          letter.getSourceTopic()
              + "/"
              + letter.getPartition()
              + "/"
              + letter.getOffset()
              + "/"
              + letter.getReason()
              + "/"
              + letter.getRawValue());
    }
    assertThat(letters).containsExactlyInAnyOrderElementsOf(expectedLetters);
  }

  private static StreamExecutionEnvironment environment() {
    StreamExecutionEnvironment env = TestConfig.flink(new Configuration());
    return env;
  }

  private static void event(DemandEvent e) {
    EVENTS.add(e);
  }

  private static void duplicate(DemandEvent e) {
    DUPLICATES.add(e);
  }

  private static Case good(int partition, SpecificRecordBase record, DemandEvent expected) {
    return new Case(
        record(
            topicOf(record),
            partition,
            ((Instant) record.get("eventTime")).toEpochMilli(),
            bytes(record)),
        expected,
        null);
  }

  /** A record a producer wrote with its own schema, not this build's class. */
  private static Case written(
      String topic, int partition, GenericRecord record, DemandEvent expected) throws IOException {
    long time = (Long) record.get("eventTime");
    return new Case(record(topic, partition, time, FeedTest.encode(record)), expected, null);
  }

  private static DemandEvent referral(String eventId, Instant time) {
    return new DemandEvent(
        eventId,
        "care-referrals",
        "HERTSMERE",
        "MENTAL_HEALTH",
        time.toEpochMilli(),
        0,
        false,
        "URGENT");
  }

  private static Case duplicate(int partition, SpecificRecordBase record) {
    return new Case(
        record(
            topicOf(record),
            partition,
            ((Instant) record.get("eventTime")).toEpochMilli(),
            bytes(record)),
        null,
        null);
  }

  private static Case bad(String topic, int partition, byte[] value, String reason) {
    return new Case(record(topic, partition, T.toEpochMilli(), value), null, reason);
  }

  private static ProducerRecord<byte[], byte[]> record(
      String topic, int partition, long timestamp, byte[] value) {
    return new ProducerRecord<>(topic, partition, timestamp, null, value);
  }

  private static String topicOf(SpecificRecordBase record) {
    return switch (record.getSchema().getName()) {
      case "HelplineCall" -> "helpline-calls";
      case "TestingEvent" -> "testing-events";
      case "CareReferral" -> "care-referrals";
      default -> "safeguarding-contacts";
    };
  }

  static byte[] bytes(SpecificRecordBase record) {
    return Feed.forService(topicOf(record)).encode(record);
  }

  static HelplineCall call(String id, Instant time, String district, int wait, boolean abandoned) {
    return new HelplineCall(
        id, time, district, Channel.PHONE, "FOOD", wait, abandoned ? 0 : 60, abandoned);
  }
}
