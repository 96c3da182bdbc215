package io.demandmonitor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingOracle;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.SimulatedRun;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.SimulationConfig.Imperfections;
import io.demandmonitor.simulate.SimulatorSource;
import io.demandmonitor.simulate.Surge;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline on Flink's MiniCluster, fed by the simulator with imperfect feeds, checked
 * against a brute-force oracle computed from the same simulated records.
 */
class DemandPipelineTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  private static final Instant NOW = Instant.parse("2026-03-03T14:00:00Z");
  private static final Instant FROM = NOW.minus(Duration.ofHours(30));

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void countsEqualTheOracleAndEveryBadRecordIsDeadLetteredAndEveryDuplicateReported()
      throws Exception {
    ReferenceData reference = TestConfig.reference();
    // Out-of-order within the watermark bound, but none late, so every count is exact.
    SimulationConfig config =
        TestConfig.simulation()
            .withImperfections(
                new Imperfections(0.1, Duration.ofSeconds(90), 0, Duration.ZERO, 0.02, 0.01));
    DemandSimulator simulator =
        new DemandSimulator(
            reference,
            config,
            List.of(
                new Surge(
                    "surge",
                    "helpline-calls",
                    List.of("WATFORD"),
                    NOW.minus(Duration.ofHours(8)),
                    Duration.ofMinutes(30),
                    Duration.ofHours(2),
                    5.0,
                    0)));

    StreamExecutionEnvironment env = TestConfig.flink(new Configuration());
    CollectingSinks.clear();
    DemandPipeline.build(
        SimulatorSource.create(
            env, simulator, new SimulatedRun(FROM, NOW, 0, 0, Duration.ofMinutes(2))),
        TestConfig.pipeline(),
        new CollectingSinks());
    env.execute("demand-pipeline-test");

    PipelineOracle oracle = new PipelineOracle(reference, simulator, FROM, NOW);
    assertThat(
            RollingOracle.mismatches(
                CollectingSinks.demand(),
                RollingOracle.expected(
                    RollingOracle.series(oracle.accepted), TestConfig.windows(), Long.MAX_VALUE)))
        .as("windows counted differently from the oracle")
        .isEmpty();
    assertThat(oracle.accepted).hasSizeGreaterThan(2000);

    assertThat(CollectingSinks.deadLetters())
        .extracting(d -> d.getSourceTopic() + "/" + d.getOffset() + "/" + d.getReason())
        .containsExactlyInAnyOrderElementsOf(oracle.deadLetters);
    assertThat(oracle.deadLetters).hasSizeGreaterThan(10);

    Map<String, Long> setAside =
        CollectingSinks.health().stream()
            .filter(h -> !h.kind.equals(HealthEvent.ACCEPTED))
            .collect(Collectors.groupingBy(h -> h.kind, Collectors.counting()));
    assertThat(setAside.get(HealthEvent.DUPLICATE)).isEqualTo(oracle.duplicates);
    assertThat(setAside.get(HealthEvent.DEAD_LETTER)).isEqualTo((long) oracle.deadLetters.size());
    assertThat(setAside).doesNotContainKey(HealthEvent.LATE);
    assertThat(
            CollectingSinks.health().stream()
                .filter(h -> h.kind.equals(HealthEvent.ACCEPTED))
                .mapToLong(h -> h.count)
                .sum())
        .isEqualTo(oracle.accepted.size());
  }

  /**
   * Issue 15, defect 4: a county-wide surge raised an episode in every district and the county,
   * each announced on its own. Its episodes are now one incident: opened once, closed once.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aCountyWideSurgeIsOneIncidentHoweverManyEpisodesItRaises() throws Exception {
    Instant start = NOW.minus(Duration.ofHours(9));
    Surge surge =
        new Surge(
            "county-wide",
            "safeguarding-contacts",
            List.of(Surge.ALL),
            start,
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            2.0,
            10);
    DemandSimulator simulator =
        new DemandSimulator(
            TestConfig.reference(),
            TestConfig.simulation().withImperfections(Imperfections.NONE),
            List.of(surge));
    StreamExecutionEnvironment env = TestConfig.flink(new Configuration());
    CollectingSinks.clear();
    DemandPipeline.build(
        SimulatorSource.create(
            env,
            simulator,
            new SimulatedRun(NOW.minus(Duration.ofHours(12)), NOW, 0, 0, Duration.ofMinutes(2))),
        TestConfig.pipeline(),
        new CollectingSinks());
    env.execute("county-wide-surge");

    Instant end = surge.end();
    List<SurgeAlert> raised =
        CollectingSinks.alerts().stream()
            .filter(
                a ->
                    a.getService().equals(surge.service())
                        && a.getState() == AlertState.RAISED
                        && !a.getChangedAt().isBefore(start)
                        && a.getChangedAt().isBefore(end))
            .toList();
    assertThat(raised.stream().map(SurgeAlert::getDistrict).distinct().count())
        .as("areas with an episode of their own")
        .isGreaterThanOrEqualTo(8);
    // Every incident change at level 3 or more while the surge lasts is of one incident (which a
    // chance episode shortly before may have opened).
    List<String> ids =
        CollectingSinks.incidents().stream()
            .filter(
                i ->
                    i.getService().equals(surge.service())
                        && i.getLevel() >= 3
                        && !i.getChangedAt().isBefore(start)
                        && i.getChangedAt().isBefore(end))
            .map(SurgeIncident::getIncidentId)
            .distinct()
            .toList();
    assertThat(ids).as("incidents of the surge").hasSize(1);
    List<SurgeIncident> incident =
        CollectingSinks.incidents().stream()
            .filter(i -> i.getIncidentId().equals(ids.get(0)))
            .toList();
    assertThat(incident)
        .filteredOn(i -> i.getState() == IncidentState.OPENED)
        .as("opened")
        .hasSize(1);
    assertThat(incident)
        .filteredOn(i -> i.getState() == IncidentState.CLOSED)
        .as(
            "closed: %s",
            incident.stream()
                .map(
                    i ->
                        i.getState()
                            + " "
                            + i.getLevel()
                            + " "
                            + i.getChangedAt()
                            + " "
                            + i.getAreas()
                            + " "
                            + i.getOpenEpisodes())
                .toList())
        .singleElement()
        .satisfies(
            closed -> {
              assertThat(closed.getEpisodes()).isGreaterThanOrEqualTo(raised.size());
              assertThat(closed.getAreas())
                  .containsAll(raised.stream().map(SurgeAlert::getDistrict).toList());
              assertThat(closed.getPeakLevel()).isGreaterThanOrEqualTo(3);
            });
  }
}
