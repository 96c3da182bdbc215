package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingOracle;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.demand.WindowSettings.Horizon;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.pipeline.CollectingSinks;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.SimulationConfig.Imperfections;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job is killed after a checkpoint and restored from it, with a real Kafka broker: every event
 * is counted, none twice: the last value of every window (sinks overwrite by series and window end)
 * equals the oracle. An event later than the allowed lateness is set aside, and a producer's retry
 * after the restart is still recognised as a duplicate from restored state.
 */
class KafkaRestartTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(8)
              .build());

  private static final Instant T0 = Instant.parse("2026-03-03T09:00:00Z");
  private static final long MINUTE = 60_000L;

  /**
   * Horizons up to a day, and half an hour of allowed lateness: the late event below is later than
   * that.
   */
  private static final WindowSettings WINDOWS =
      new WindowSettings(
          List.of(
              new Horizon(Duration.ofMinutes(15), Duration.ofMinutes(1)),
              new Horizon(Duration.ofHours(1), Duration.ofMinutes(1)),
              new Horizon(Duration.ofHours(24), Duration.ofMinutes(5))),
          List.of(Duration.ofHours(1)),
          Duration.ofMinutes(30),
          Duration.ofSeconds(1));

  private static final String[] TOPICS = {
    "care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events"
  };
  private static final int PARTITIONS = 2;
  private static final String GROUP = "restart-test";

  private static KafkaBroker kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaBroker.start();
    kafka.createTopics(PARTITIONS, TOPICS);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void restoredFromACheckpointEveryEventIsCountedOnce() throws Exception {
    ReferenceData reference = TestConfig.reference();
    // Busy enough that every partition has data every minute, so event time advances everywhere.
    SimulationConfig config =
        TestConfig.simulationWithVolumeTimes(50)
            .withImperfections(
                new Imperfections(0.1, Duration.ofSeconds(90), 0, Duration.ZERO, 0.02, 0.005));
    DemandSimulator simulator = new DemandSimulator(reference, config, List.of());
    List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
    CollectingSinks.clear();

    // Before the crash: two hours of demand, then one event from before all of it, far past the
    // lateness.
    send(sent, simulated(simulator, T0, T0.plus(Duration.ofHours(2))));
    JobClient first = start(null);
    waitFor(
        "minutes counted up to 09:100", () -> latestMinute() >= T0.toEpochMilli() + 100 * MINUTE);
    ProducerRecord<byte[], byte[]> late =
        new ProducerRecord<>(
            "helpline-calls",
            0,
            T0.minus(Duration.ofHours(3)).toEpochMilli(),
            null,
            KafkaIngestionTest.bytes(
                KafkaIngestionTest.call(
                    "late-1", T0.minus(Duration.ofHours(3)), "WATFORD", 10, false)));
    send(sent, List.of(late));
    waitFor("the late event to be set aside", () -> count(HealthEvent.LATE) == 1);
    // The crash must come when nothing is left to process: what the job emits after its last
    // checkpoint it emits again once restored (at least once), and the collecting sinks would count
    // it twice. So: every record read before a completed checkpoint, then no output for longer than
    // the idleness (which moves event time once the partitions fall quiet); then a checkpoint.
    waitFor("every record read before a checkpoint", KafkaRestartTest::everyRecordCommitted);
    waitFor("the job to go quiet", this::quietFor7Seconds);
    Path checkpoint = checkpointTakenAfter(System.currentTimeMillis());
    first.cancel().get();

    // After the restore: another hour, and producer retries of records sent before the crash.
    List<ProducerRecord<byte[], byte[]>> retries =
        sent.subList(0, 5).stream()
            .map(
                r ->
                    new ProducerRecord<>(
                        r.topic(), r.partition(), r.timestamp(), r.key(), r.value()))
            .toList();
    send(sent, retries);
    send(sent, simulated(simulator, T0.plus(Duration.ofHours(2)), T0.plus(Duration.ofHours(3))));
    JobClient second = start(checkpoint.toUri().toString());
    waitFor(
        "minutes counted up to 11:50", () -> latestMinute() >= T0.toEpochMilli() + 170 * MINUTE);
    second
        .stopWithSavepoint(
            true, dir.resolve("final").toUri().toString(), SavepointFormatType.CANONICAL)
        .get();

    Oracle oracle = new Oracle(reference, sent, late);
    assertThat(
            RollingOracle.mismatches(
                CollectingSinks.demand(),
                RollingOracle.expected(
                    RollingOracle.series(oracle.accepted), WINDOWS, Long.MAX_VALUE)))
        .as("windows counted differently from the oracle")
        .isEmpty();
    assertThat(oracle.accepted).hasSizeGreaterThan(5000);
    assertThat(
            CollectingSinks.health().stream()
                .filter(h -> h.kind.equals(HealthEvent.ACCEPTED))
                .mapToLong(h -> h.count)
                .sum())
        .isEqualTo(oracle.accepted.size());

    assertThat(count(HealthEvent.LATE)).isEqualTo(1);
    assertThat(oracle.duplicates)
        .isGreaterThanOrEqualTo(retries.size() - 1); // a retry of a dead letter is one again
    assertThat(count(HealthEvent.DUPLICATE)).isEqualTo(oracle.duplicates);
    assertThat(
            CollectingSinks.deadLetters().stream()
                .map(d -> d.getSourceTopic() + "/" + d.getPartition() + "/" + d.getOffset())
                .collect(Collectors.toSet()))
        .hasSize(oracle.deadLetters);
  }

  private JobClient start(String restoreFrom) throws Exception {
    Configuration conf = new Configuration();
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = TestConfig.flink(conf);
    env.enableCheckpointing(300);
    ReferenceData reference = TestConfig.reference();
    KafkaSettings settings =
        new KafkaSettings(
            kafka.bootstrapServers(),
            GROUP,
            "earliest",
            "demand-dead-letters",
            TestConfig.historicEventTime(),
            Map.of());
    DemandPipeline.build(
        KafkaIngest.sources(env, reference, settings, false),
        new PipelineSettings(
            reference,
            WINDOWS,
            TestConfig.alerts(),
            Duration.ofMinutes(5),
            Duration.ofHours(24),
            null,
            null,
            null),
        new CollectingSinks());
    return env.executeAsync("kafka-restart-test");
  }

  private static void send(
      List<ProducerRecord<byte[], byte[]>> sent, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    kafka.produce(records);
    sent.addAll(records);
  }

  private static List<ProducerRecord<byte[], byte[]>> simulated(
      DemandSimulator simulator, Instant from, Instant to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (long slot = simulator.slotOf(from); slot < simulator.slotOf(to); slot++) {
      simulator
          .slot(slot)
          .forEach(
              raw ->
                  records.add(
                      new ProducerRecord<>(raw.source, null, raw.timestamp, raw.key, raw.value)));
    }
    return records;
  }

  /** Whether the group's committed offsets are the end of every partition of the input topics. */
  private static boolean everyRecordCommitted() throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> partitions = new java.util.HashMap<>();
      for (String topic : TOPICS) {
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      return admin.listOffsets(partitions).all().get().entrySet().stream()
          .allMatch(
              end ->
                  committed.get(end.getKey()) != null
                      && committed.get(end.getKey()).offset() >= end.getValue().offset());
    }
  }

  private String lastOutput = "";
  private long sameSince;

  /** Whether the collected demand and health have not changed for 7 s (idleness: 5 s). */
  private boolean quietFor7Seconds() {
    String output =
        CollectingSinks.demand().size()
            + "/"
            + CollectingSinks.health().size()
            + "/"
            + latestMinute();
    if (!output.equals(lastOutput)) {
      lastOutput = output;
      sameSince = System.nanoTime();
      return false;
    }
    return System.nanoTime() - sameSince >= TimeUnit.SECONDS.toNanos(7);
  }

  /** The newest retained checkpoint completed after {@code after}, waiting for one if need be. */
  private Path checkpointTakenAfter(long after) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      Optional<Path> newest =
          completedCheckpoints().stream()
              .filter(p -> p.resolve("_metadata").toFile().lastModified() > after)
              .max(Comparator.comparingLong(p -> p.resolve("_metadata").toFile().lastModified()));
      if (newest.isPresent()) {
        return newest.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no checkpoint completed within a minute");
  }

  private List<Path> completedCheckpoints() throws IOException {
    Path root = dir.resolve("checkpoints");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(root, 2)) {
      return paths
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.exists(p.resolve("_metadata")))
          .toList();
    }
  }

  private static void waitFor(String what, TestConfig.Condition condition) throws Exception {
    TestConfig.waitFor(
        what,
        condition,
        () ->
            "counted up to "
                + java.time.Instant.ofEpochMilli(latestMinute())
                + ", health "
                + CollectingSinks.health().stream()
                    .collect(
                        Collectors.groupingBy(h -> h.kind, Collectors.summingLong(h -> h.count))));
  }

  private static long latestMinute() {
    return CollectingSinks.demand().stream()
        .filter(v -> !v.provisional)
        .mapToLong(c -> c.windowEnd)
        .max()
        .orElse(0);
  }

  private static long count(String kind) {
    return CollectingSinks.health().stream()
        .filter(h -> h.kind.equals(kind))
        .mapToLong(h -> h.count)
        .sum();
  }

  /** What the records sent should give, computed the slow and obvious way. */
  private static final class Oracle {
    final List<DemandEvent> accepted = new ArrayList<>();
    long duplicates;
    int deadLetters;

    Oracle(
        ReferenceData reference,
        List<ProducerRecord<byte[], byte[]>> sent,
        ProducerRecord<byte[], byte[]> late) {
      Normaliser normaliser = new Normaliser(reference, Duration.ofMinutes(5));
      Set<String> seen = new HashSet<>();
      for (ProducerRecord<byte[], byte[]> record : sent) {
        try {
          DemandEvent e = normaliser.normalise(raw(record), System.currentTimeMillis());
          if (!seen.add(e.eventId)) {
            duplicates++;
          } else if (record != late) {
            accepted.add(e);
          }
        } catch (InvalidRecordException ex) {
          deadLetters++;
        }
      }
    }

    private static RawRecord raw(ProducerRecord<byte[], byte[]> r) {
      return new RawRecord(r.topic(), 0, 0, r.timestamp(), r.key(), r.value());
    }
  }
}
