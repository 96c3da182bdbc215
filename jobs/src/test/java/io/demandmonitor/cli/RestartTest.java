package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A failure no retry mends, as an operator meets it on the embedded run: the database dropped under
 * the running job (HTTP 404 on every write). Each restart is one console line; failures in a row
 * beyond the budget stop the job with one line and exit code 1; a job that has been healthy long
 * enough between failures gets its whole budget again. (An InfluxDB that does not answer is waited
 * out instead: CrashResumeTest.)
 */
class RestartTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void failuresInARowBeyondTheBudgetStopTheJobWithOneLineEach() throws Exception {
    InfluxSettings influx = InfluxServer.shared().newDatabase("restarts");
    CompletableFuture<Integer> run = run(influx, "2", "10m", null);
    waitFor(() -> out.toString().contains("County demand, complete up to"), run, "the live board");
    drop(influx);

    assertThat(run.get(2, TimeUnit.MINUTES)).as(out + "\n" + err).isEqualTo(1);
    assertThat(out.toString())
        .contains("Restart 1: the job failed (", "Restart 2: the job failed (")
        .doesNotContain("Restart 3")
        .doesNotContain("\tat ");
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("demand-monitor run: the Flink job has stopped after 2 restarts: ");
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aJobHealthyLongEnoughBetweenFailuresGetsItsWholeBudgetAgain() throws Exception {
    InfluxSettings influx = InfluxServer.shared().newDatabase("restarts");
    CompletableFuture<Integer> run = run(influx, "1", "3s", "60s");
    waitFor(() -> out.toString().contains("County demand, complete up to"), run, "the live board");
    for (int outage = 1; outage <= 2; outage++) {
      drop(influx);
      String restart = "Restart " + outage + ":";
      waitFor(() -> out.toString().contains(restart), run, restart);
      try (InfluxConnection connection = new InfluxConnection(influx)) {
        connection.createDatabaseIfMissing();
      }
      Thread.sleep(8_000); // healthy for more than --restart-reset-after
    }
    assertThat(run.get(2, TimeUnit.MINUTES))
        .as("one restart allowed in a row, two in all\n" + out + "\n" + err)
        .isZero();
    assertThat(out.toString()).contains("Restart 2:", "Final summary (stopped)");
  }

  private static void drop(InfluxSettings influx) throws Exception {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      connection.query("DROP DATABASE " + InfluxConnection.identifier(influx.database()));
    }
  }

  /** {@code run} live into InfluxDB. */
  private CompletableFuture<Integer> run(
      InfluxSettings influx, String attempts, String resetAfter, String duration) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "run",
                "--backfill",
                "1h",
                "--web-ui-port",
                "0",
                "--summary-every",
                "1s",
                "--checkpoint-every",
                "1s",
                "--out",
                dir.toString(),
                "--influx-url",
                influx.url(),
                "--influx-database",
                influx.database(),
                "--restart-attempts",
                attempts,
                "--restart-reset-after",
                resetAfter,
                "--config-dir",
                TestConfig.CONFIG_DIR.toString()));
    if (duration != null) {
      args.addAll(java.util.List.of("--duration", duration));
    }
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return CompletableFuture.supplyAsync(() -> cli.execute(args.toArray(String[]::new)));
  }

  private static void waitFor(
      TestConfig.Condition condition, CompletableFuture<Integer> run, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.holds()) {
      assertThat(run).as("the run ended before " + what).isNotDone();
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(200);
    }
  }
}
