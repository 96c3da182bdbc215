package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestConfig;
import io.demandmonitor.cli.DemandMonitorCli;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.pipeline.CollectingSinks;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.SimulatedRun;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.SimulatorSource;
import io.demandmonitor.simulate.Surge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * End to end through a real Kafka broker, as an operator would run it: {@code simulate --kafka}
 * produces a day with the Stevenage safeguarding surge to the four topics, {@code run --kafka}
 * reads them, and the {@code demand-alerts} topic holds exactly the alert changes the same pipeline
 * makes of the same simulated records when fed directly (final values only, so both runs are
 * deterministic).
 */
class KafkaAlertsTest {

  private static final Instant FROM = Instant.parse("2026-03-02T04:00:00Z");
  private static final Instant TO = Instant.parse("2026-03-02T16:00:00Z");
  private static final String SURGE_START = "2026-03-02T10:00:00Z";

  @TempDir Path dir;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aSurgeProducedToTheTopicsYieldsTheExpectedAlertRecords() throws Exception {
    Path finalOnly =
        TestConfig.copyWith(dir, "windows.yaml", "provisional-every: 1s", "provisional-every: 0s");
    Path simulation = finalOnly.resolve("simulation.yaml");
    Files.writeString(
        simulation, Files.readString(simulation).replace("start: -6h", "start: " + SURGE_START));

    try (KafkaBroker kafka = KafkaBroker.start()) {
      assertThat(
              cli(
                  "simulate",
                  "--from",
                  FROM.toString(),
                  "--to",
                  TO.toString(),
                  "--kafka",
                  kafka.bootstrapServers(),
                  "--clean",
                  "--config-dir",
                  finalOnly.toString()))
          .isZero();
      assertThat(
              cli(
                  "run",
                  "--kafka",
                  kafka.bootstrapServers(),
                  "--no-live",
                  "--start-from",
                  "earliest",
                  "--web-ui-port",
                  "0",
                  "--out",
                  dir.resolve("out").toString(),
                  "--config-dir",
                  finalOnly.toString()))
          .isZero();

      List<String> onTopic = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.consumeAll("demand-alerts")) {
        SurgeAlert alert = SurgeAlert.fromByteBuffer(java.nio.ByteBuffer.wrap(r.value()));
        assertThat(new String(r.key(), StandardCharsets.UTF_8))
            .isEqualTo(alert.getService() + "|" + alert.getDistrict());
        assertThat(r.timestamp()).isEqualTo(alert.getChangedAt().toEpochMilli());
        onTopic.add(describe(alert));
      }

      List<String> expected = expected(ConfigFiles.directory(finalOnly));
      String stevenage = "safeguarding-contacts/STEVENAGE/safeguarding-1h-count/";
      assertThat(expected)
          .anyMatch(a -> a.startsWith(stevenage + "2026-03-02T1") && a.contains(" RAISED "))
          .anyMatch(a -> a.startsWith(stevenage) && a.contains(" RESOLVED "));
      assertThat(onTopic).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  /** The alert changes of the same simulated records fed straight into the pipeline. */
  private List<String> expected(ConfigFiles files) throws Exception {
    ReferenceData reference = ReferenceData.load(files);
    WindowSettings windows = WindowSettings.load(files);
    SimulationConfig config =
        SimulationConfig.load(files, reference)
            .withImperfections(SimulationConfig.Imperfections.NONE);
    DemandSimulator simulator =
        new DemandSimulator(
            reference,
            config,
            List.of(
                Surge.of(
                    "stevenage-safeguarding-surge",
                    config.scenarios().get("stevenage-safeguarding-surge"),
                    TO)));
    StreamExecutionEnvironment env = TestConfig.flink(new Configuration());
    CollectingSinks.clear();
    DemandPipeline.build(
        SimulatorSource.create(
            env, simulator, new SimulatedRun(FROM, TO, 0, 0, Duration.ofMinutes(2))),
        PipelineSettings.defaults(reference, windows, AlertRules.load(files, reference, windows)),
        new CollectingSinks());
    env.execute("expected-alerts");
    return CollectingSinks.alerts().stream()
        .filter(a -> !a.getDetector().equals(FeedWatch.FEED_SILENT))
        .map(KafkaAlertsTest::describe)
        .toList();
  }

  private static String describe(SurgeAlert a) {
    return a.getAlertId()
        + " "
        + a.getState()
        + " "
        + a.getLevel()
        + " at "
        + a.getChangedAt()
        + " observed "
        + a.getObserved();
  }

  private static int cli(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    assertThat(exit).as(err.toString()).isZero();
    return exit;
  }
}
