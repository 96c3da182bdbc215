package io.demandmonitor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.cli.DemandMonitorCli;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.replay.ArchiveSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A savepoint of this release's pipeline, committed under src/test/resources/savepoints, restores
 * into the build: the next change that breaks restore (a uid, a state name or type, a record in
 * state) fails here instead of emptying every window and baseline at an upgrade. The savepoint was
 * taken half-way through three simulated days; restored, the pipeline's final values for the rest
 * equal an uninterrupted run's, so windows spanning the savepoint kept what came before it. When
 * state changes on purpose (docs/operations.md, upgrades), write the fixture of the new release
 * with {@code ./mvnw -pl schemas,jobs test -Dtest=SavepointCompatibilityTest
 * -Dsavepoint.fixture.write=true} and keep the old one's test only while its restore is promised.
 */
class SavepointCompatibilityTest {

  static final Path FIXTURE = Path.of("src/test/resources/savepoints/release-0.2");
  private static final Instant FROM = Instant.parse("2026-03-02T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-03-05T00:00:00Z");

  @TempDir Path dir;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theFixtureOfThisReleaseRestoresAndItsWindowsContinueExactly() throws Exception {
    assertThat(FIXTURE.resolve("_metadata")).as("the savepoint fixture").isRegularFile();
    Path archive = archive();
    Map<String, Long> uninterrupted = finals(run(archive, 0, null));
    Path copy = dir.resolve("savepoint");
    copyFolder(FIXTURE, copy);
    Map<String, Long> restored = finals(run(archive, 0, copy));

    assertThat(restored).as("windows after the savepoint").hasSizeGreaterThan(1000);
    Map<String, String> different = new TreeMap<>();
    restored.forEach(
        (key, count) -> {
          if (!count.equals(uninterrupted.get(key))) {
            different.put(key, count + " restored, " + uninterrupted.get(key) + " uninterrupted");
          }
        });
    assertThat(different)
        .as("final values after the restore that differ from an uninterrupted run")
        .isEmpty();
  }

  @Test
  @EnabledIfSystemProperty(named = "savepoint.fixture.write", matches = "true")
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void writeTheFixture() throws Exception {
    Path archive = archive();
    CollectingSinks.clear();
    JobClient job = start(archive, 18_000, null); // about 5 hours of events a second
    long halfWay = FROM.plus(Duration.ofHours(30)).toEpochMilli();
    TestConfig.waitFor(
        "the pipeline half-way through the days",
        () ->
            CollectingSinks.demand().stream()
                .anyMatch(v -> !v.provisional && v.windowEnd >= halfWay),
        () -> "");
    Path savepoint =
        Path.of(
            java.net.URI.create(
                job.stopWithSavepoint(
                        false,
                        dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                    .get()));
    if (Files.exists(FIXTURE)) {
      try (Stream<Path> old = Files.walk(FIXTURE)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    copyFolder(savepoint, FIXTURE);
  }

  /** The simulated days as an archive, the same every time (fixed range and seed). */
  private Path archive() {
    Path archive = dir.resolve("archive");
    StringWriter out = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    assertThat(
            cli.execute(
                "simulate",
                "--from",
                FROM.toString(),
                "--to",
                TO.toString(),
                "--out",
                archive.toString(),
                "--config-dir",
                TestConfig.CONFIG_DIR.toString()))
        .as(out.toString())
        .isZero();
    return archive;
  }

  private static java.util.List<RollingValue> run(Path archive, double speed, Path restoreFrom)
      throws Exception {
    CollectingSinks.clear();
    start(archive, speed, restoreFrom).getJobExecutionResult().get();
    return CollectingSinks.demand();
  }

  /** The live pipeline (not a replay's coarse steps) over the archive. */
  private static JobClient start(Path archive, double speed, Path restoreFrom) throws Exception {
    Configuration conf = new Configuration();
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
    }
    StreamExecutionEnvironment env = TestConfig.flink(conf);
    env.enableCheckpointing(1000);
    DemandPipeline.build(
        ArchiveSource.create(env, archive, TestConfig.reference(), FROM, TO, speed, null),
        TestConfig.pipeline(),
        new CollectingSinks());
    return env.executeAsync("savepoint-fixture");
  }

  /** The last final value of every window. */
  private static Map<String, Long> finals(java.util.List<RollingValue> values) {
    Map<String, Long> finals = new TreeMap<>();
    values.stream()
        .filter(v -> !v.provisional)
        .forEach(v -> finals.put(v.seriesKey() + "|" + v.horizon + "|" + v.windowEnd, v.count));
    return finals;
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
