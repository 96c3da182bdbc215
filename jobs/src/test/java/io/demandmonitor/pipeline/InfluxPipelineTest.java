package io.demandmonitor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingOracle;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.SimulatedRun;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.SimulationConfig.Imperfections;
import io.demandmonitor.simulate.SimulatorSource;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import io.demandmonitor.sink.LineProtocol;
import io.demandmonitor.sink.OutputSinks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline into a real InfluxDB, failing once after a checkpoint and restarting from it:
 * every window read back from InfluxDB equals the oracle, none doubled by the points the restart
 * writes again.
 */
class InfluxPipelineTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  private static final Instant NOW = Instant.parse("2026-03-03T14:00:00Z");
  private static final Instant FROM = NOW.minus(Duration.ofHours(12));

  @TempDir Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void afterARestartFromACheckpointEveryWindowInInfluxDbEqualsTheOracle() throws Exception {
    ReferenceData reference = TestConfig.reference();
    SimulationConfig config =
        TestConfig.simulation()
            .withImperfections(
                new Imperfections(0.1, Duration.ofSeconds(90), 0, Duration.ZERO, 0.02, 0.01));
    DemandSimulator simulator = new DemandSimulator(reference, config, List.of());
    InfluxSettings influx = InfluxServer.shared().newDatabase("pipeline");

    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    StreamExecutionEnvironment env = TestConfig.flink(conf);
    env.enableCheckpointing(200);
    FailOnceAfterACheckpoint.FAILED.set(false);
    DemandPipeline.build(
        SimulatorSource.create(
                env, simulator, new SimulatedRun(FROM, NOW, 0, 0, Duration.ofMinutes(2)))
            .map(new FailOnceAfterACheckpoint())
            .name("fail-once"),
        TestConfig.pipeline(),
        OutputSinks.builder(
                reference,
                new AlertText(reference, java.time.ZoneId.of("Europe/London")),
                influx.run(),
                dir)
            .influx(influx)
            .build());
    env.execute("influx-pipeline-test");
    assertThat(FailOnceAfterACheckpoint.FAILED).as("the job failed and restarted").isTrue();

    PipelineOracle oracle = new PipelineOracle(reference, simulator, FROM, NOW);
    Map<String, long[]> expected =
        RollingOracle.expected(
            RollingOracle.series(oracle.accepted), TestConfig.windows(), Long.MAX_VALUE);
    Map<String, Long> readBack = new HashMap<>();
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      Map<String, String> codes = new HashMap<>();
      reference.districts().forEach(d -> codes.put(d.name(), d.code()));
      codes.put(LineProtocol.COUNTY, SeriesEvent.COUNTY);
      for (Map<String, Object> row :
          InfluxServer.select(connection, "SELECT * FROM demand, demand_by_category")) {
        assertThat(row.get("provisional"))
            .as("a provisional value outlived its final one")
            .isEqualTo(false);
        readBack.put(
            row.get("service")
                + "|"
                + codes.get((String) row.get("district"))
                + "|"
                + (row.get("category") == null ? "" : row.get("category"))
                + "|"
                + row.get("horizon")
                + "|"
                + ((Number) row.get("time")).longValue(),
            ((Number) row.get("count")).longValue());
      }
    }
    List<String> problems = new ArrayList<>();
    expected.forEach(
        (identity, sums) -> {
          if (!Long.valueOf(sums[0]).equals(readBack.get(identity))) {
            problems.add(identity + ": oracle " + sums[0] + ", InfluxDB " + readBack.get(identity));
          }
        });
    readBack.forEach(
        (identity, count) -> {
          if (count != 0 && !expected.containsKey(identity)) {
            problems.add(identity + ": InfluxDB " + count + ", not in the oracle");
          }
        });
    assertThat(problems.stream().limit(10)).isEmpty();
    assertThat(expected).hasSizeGreaterThan(10_000);
  }

  /** Slows the stream until a checkpoint has completed, then fails the job once. */
  static final class FailOnceAfterACheckpoint
      implements MapFunction<RawRecord, RawRecord>, CheckpointListener {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private boolean checkpointed;

    @Override
    public RawRecord map(RawRecord record) throws Exception {
      if (!FAILED.get()) {
        if (checkpointed && FAILED.compareAndSet(false, true)) {
          throw new IllegalStateException("failure injected by the test after a checkpoint");
        }
        Thread.sleep(1);
      }
      return record;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }
}
