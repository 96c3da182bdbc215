package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.bench.AlertLatencyBenchmark;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.pipeline.PipelineSettings;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demand-monitor bench-alerts}: event-to-alert latency through the whole pipeline. */
@Command(
    name = "bench-alerts",
    mixinStandardHelpOptions = true,
    description = {
      "Measures event-to-alert latency through the whole pipeline on an embedded runtime, with the "
          + "configured windows and alert rules: events arrive at a steady rate, and 30 series are pushed through "
          + "their level 2, 3 and 4 thresholds one event at a time. The thresholds' minimum duration is set to "
          + "zero: it is a deliberate wait in event time, and the benchmark measures what the pipeline adds. "
          + "Prints p50, p99 and max, as recorded in "
          + "docs/benchmarks.md. Takes about 2 minutes."
    })
public final class AlertLatencyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Mixin SimulationOptions simulation;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      paramLabel = "EVENTS_PER_SECOND",
      description = "Events per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    ReferenceData reference = simulation.reference();
    WindowSettings windows = WindowSettings.load(simulation.files());
    PipelineSettings settings =
        PipelineSettings.defaults(
            reference,
            windows,
            AlertLatencyBenchmark.withoutMinimumDuration(
                AlertRules.load(simulation.files(), reference, windows)));
    out.printf(
        "%,d events/s; provisional values every %s; thresholds' minimum duration set to 0%n",
        rate, windows.provisionalEvery());
    out.flush();
    try {
      List<Long> latencies = AlertLatencyBenchmark.run(reference, settings, rate);
      if (latencies.isEmpty()) {
        throw new IllegalStateException("no alert was raised");
      }
      out.printf(
          "%d alerts: p50 %d ms, p99 %d ms, max %d ms%n",
          latencies.size(),
          percentile(latencies, 50),
          percentile(latencies, 99),
          latencies.get(latencies.size() - 1));
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException("benchmark failed: " + e.getMessage(), e);
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
