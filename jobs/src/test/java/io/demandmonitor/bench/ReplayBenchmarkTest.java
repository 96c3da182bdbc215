package io.demandmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestCli;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code demand-monitor bench-replay} on a tiny input (a simulated day), so the benchmark keeps
 * running: every job completes and the ratios are printed. Nothing here is timed; the figures are
 * in docs/benchmarks.md.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplayBenchmarkTest {

  @Test
  void printsEveryJobAndTheRatios() {
    String out =
        TestCli.ok(
            "bench-replay",
            "--from",
            "2026-03-02T00:00:00Z",
            "--to",
            "2026-03-03T00:00:00Z",
            "--series",
            "40,80",
            "--warm-up",
            "0s");
    assertThat(out)
        .contains(
            "passthrough: read + decode + key by series + count",
            "Flink SQL HOP, every horizon and series",
            "replay: the pipeline as 'replay' runs it",
            "replay, 80 (service, district) series")
        .containsPattern("\\(runs: \\d+\\.\\d, \\d+\\.\\d s\\)")
        .containsPattern("replay / passthrough: \\d+\\.\\d\\dx")
        .containsPattern("Flink SQL / replay: +\\d+\\.\\d\\dx")
        .containsPattern("replay 80 / 40 series: \\d+\\.\\d\\dx");
  }
}
