package io.demandmonitor.cli;

import io.demandmonitor.bench.WindowBenchmark;
import io.demandmonitor.bench.WindowBenchmark.Result;
import io.demandmonitor.demand.WindowSettings.Horizon;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demand-monitor bench}: rolling windows against Flink's native sliding windows, in one run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the throughput of the rolling-window operator against Flink's native sliding event-time "
          + "windows with an incremental count, on the same generated events, one job after another in this JVM. "
          + "Prints events per second and the ratios, as recorded in docs/benchmarks.md."
    })
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      defaultValue = "3000000",
      description = "Events per job (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--span",
      converter = DurationConverter.class,
      defaultValue = "14d",
      paramLabel = "DURATION",
      description = "Event time the events are spread over (default: ${DEFAULT-VALUE}).")
  Duration span;

  @Mixin FlinkOptions flink;

  @Option(
      names = "--skip-native-24h",
      description = "Skip native 24h/1m, the slowest job (each event in 1,440 windows).")
  boolean skipNative24h;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Duration minute = Duration.ofMinutes(1);
    Duration hour = Duration.ofHours(1);
    Duration day = Duration.ofHours(24);
    List<Result> results = new ArrayList<>();
    try {
      out.printf(
          "%,d events over %s, parallelism %d, %d cores%n",
          events, span, flink.parallelism, Runtime.getRuntime().availableProcessors());
      out.flush();
      // Warm-up: JIT and class loading, not measured.
      WindowBenchmark.rolling(
          flink.parallelism,
          Math.min(events, 300_000),
          span.toMillis(),
          List.of(new Horizon(hour, minute)));
      WindowBenchmark.nativeSliding(
          flink.parallelism, Math.min(events, 300_000), span.toMillis(), hour, minute);

      Result rolling1h =
          measure(
              out,
              results,
              WindowBenchmark.rolling(
                  flink.parallelism, events, span.toMillis(), List.of(new Horizon(hour, minute))));
      Result native1h =
          measure(
              out,
              results,
              WindowBenchmark.nativeSliding(
                  flink.parallelism, events, span.toMillis(), hour, minute));
      Result rolling24h =
          measure(
              out,
              results,
              WindowBenchmark.rolling(
                  flink.parallelism, events, span.toMillis(), List.of(new Horizon(day, minute))));
      Result native24h =
          skipNative24h
              ? null
              : measure(
                  out,
                  results,
                  WindowBenchmark.nativeSliding(
                      flink.parallelism, events, span.toMillis(), day, minute));
      Result rolling7d =
          measure(
              out,
              results,
              WindowBenchmark.rolling(
                  flink.parallelism,
                  events,
                  span.toMillis(),
                  List.of(new Horizon(Duration.ofDays(7), minute))));
      measure(
          out,
          results,
          WindowBenchmark.rolling(
              flink.parallelism,
              events,
              span.toMillis(),
              List.of(
                  new Horizon(Duration.ofMinutes(15), minute), new Horizon(hour, minute),
                  new Horizon(day, Duration.ofMinutes(5)), new Horizon(Duration.ofDays(7), hour))));

      out.println();
      out.printf(
          "rolling / native, 1h/1m:  %.1fx%n",
          rolling1h.eventsPerSecond() / native1h.eventsPerSecond());
      if (native24h != null) {
        out.printf(
            "rolling / native, 24h/1m: %.1fx%n",
            rolling24h.eventsPerSecond() / native24h.eventsPerSecond());
      }
      out.printf(
          "rolling 7d/1m / rolling 1h/1m: %.2f (horizon x168)%n",
          rolling7d.eventsPerSecond() / rolling1h.eventsPerSecond());
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException("benchmark failed: " + e.getMessage(), e);
    }
  }

  private static Result measure(PrintWriter out, List<Result> results, Result result) {
    results.add(result);
    out.printf(
        "  %-48s %8.1f s %,12.0f events/s%n",
        result.name(), result.millis() / 1000.0, result.eventsPerSecond());
    out.flush();
    return result;
  }
}
