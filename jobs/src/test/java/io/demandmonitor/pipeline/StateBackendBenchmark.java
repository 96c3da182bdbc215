package io.demandmonitor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import io.demandmonitor.replay.ArchiveSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measurement behind the embedded run's state backend (docs/benchmarks.md, "State backend"):
 * the live pipeline over the history a first start reads back (22 days and one), checkpointing
 * every second as fast as it can read, once per backend in one JVM. Prints wall time, checkpoints
 * completed and the size of the newest one. Run with {@code ./mvnw -pl schemas,jobs test
 * -Dtest=StateBackendBenchmark -Dbenchmark.state=true}.
 */
@EnabledIfSystemProperty(named = "benchmark.state", matches = "true")
class StateBackendBenchmark {

  private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-02-24T00:00:00Z");

  @TempDir Path dir;

  @Test
  void heapAgainstRocksDb() throws Exception {
    Path archive = dir.resolve("archive");
    TestCli.ok(
        "simulate",
        "--from",
        FROM.toString(),
        "--to",
        TO.toString(),
        "--out",
        archive.toString(),
        "--config-dir",
        TestConfig.CONFIG_DIR.toString());
    run(archive, "hashmap"); // warm-up: class loading and JIT for both
    StringBuilder table =
        new StringBuilder(
            "| backend | wall time | checkpoints | newest checkpoint |\n|---|---:|---:|---:|\n");
    for (String backend : List.of("hashmap", "rocksdb", "hashmap", "rocksdb")) {
      table.append(run(archive, backend)).append('\n');
    }
    System.out.println(table);
  }

  private String run(Path archive, String backend) throws Exception {
    Path checkpoints = Files.createTempDirectory(dir, backend);
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, backend);
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend.equals("rocksdb"));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    StreamExecutionEnvironment env = TestConfig.flink(conf);
    env.enableCheckpointing(1000);
    DemandPipeline.build(
        ArchiveSource.create(env, archive, TestConfig.reference(), FROM, TO, 0, null),
        TestConfig.pipeline(),
        new DiscardingSinks()); // the backends are measured, not the sinks
    long start = System.nanoTime();
    JobClient job = env.executeAsync("state-backend-" + backend);
    long[] newest = {0, 0};
    while (!job.getJobExecutionResult()
        .isDone()) { // a finished job deletes its checkpoints: look meanwhile
      Thread.sleep(200);
      long[] seen = newest(checkpoints);
      if (seen[0] > newest[0]) {
        newest = seen;
      }
    }
    job.getJobExecutionResult().get();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(newest[0]).as("checkpoints of " + backend).isPositive();
    return String.format(
        "| %s | %.1f s | %d | %.1f MB |", backend, millis / 1000.0, newest[0], newest[1] / 1e6);
  }

  /**
   * The number of the newest complete checkpoint and its size on disk, with the shared files of an
   * incremental one; {0, 0} if none, or if Flink deleted files while they were counted.
   */
  private static long[] newest(Path checkpoints) {
    try (Stream<Path> files = Files.walk(checkpoints)) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      long number =
          all.stream()
              .filter(p -> p.endsWith("_metadata"))
              .map(p -> p.getParent().getFileName().toString())
              .filter(n -> n.startsWith("chk-"))
              .mapToLong(n -> Long.parseLong(n.substring(4)))
              .max()
              .orElse(0);
      long size = 0;
      for (Path file : all) {
        String folder = file.getParent().getFileName().toString();
        if (folder.equals("chk-" + number) || file.toString().contains("/shared/")) {
          size += Files.size(file);
        }
      }
      return new long[] {number, size};
    } catch (IOException | java.io.UncheckedIOException e) {
      return new long[] {0, 0};
    }
  }
}
