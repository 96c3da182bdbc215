package io.demandmonitor.cli;

import io.demandmonitor.bench.ReplayBenchmark;
import io.demandmonitor.bench.ReplayBenchmark.Input;
import io.demandmonitor.bench.ReplayBenchmark.Result;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.model.Archive;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code demand-monitor bench-replay}: the replay against its ceiling and Flink SQL, and its
 * scaling with series.
 */
@Command(
    name = "bench-replay",
    mixinStandardHelpOptions = true,
    description = {
      "Measures, in this JVM, one job after another on the same archive and range: (1) the passthrough "
          + "(read, decode, key by series, count: the ceiling), (2) Flink SQL HOP windows for every horizon "
          + "and series of windows.yaml, (3) the pipeline as 'replay' runs it; then the replay of the same "
          + "events spread over more districts (--series). Prints wall times and the ratios, as recorded in "
          + "docs/benchmarks.md. Without --archive, simulates --from to --to into a scratch folder first."
    })
public final class ReplayBenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(
      names = "--archive",
      paramLabel = "DIR",
      description = "The archive to read (default: simulate one).")
  Path archive;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description =
          "Start of the range (default: the archive's first day; simulated: 2025-09-01T00:00:00Z).")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "INSTANT",
      description =
          "End of the range, exclusive (default: after the archive's last day; simulated: "
              + "2026-09-01T00:00:00Z).")
  Instant to;

  @Option(
      names = "--series",
      split = ",",
      paramLabel = "N",
      defaultValue = "40,400,4000",
      description =
          "Scaling curve: (service, district) series to spread the same events over, each a multiple of "
              + "the configured services x districts (default: ${DEFAULT-VALUE}; 'none' for no curve).")
  List<String> series;

  @Option(names = "--skip-sql", description = "Skip the Flink SQL job.")
  boolean skipSql;

  @Option(
      names = "--warm-up",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      defaultValue = "28d",
      description =
          "Before measuring, run each job on this much of the start of the range, not measured "
              + "(class loading, JIT, the SQL planner); long enough for the baselines' min-weeks, so "
              + "the JIT has seen every path the year takes (default: ${DEFAULT-VALUE}; 0s: none).")
  Duration warmUp;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Measure each job N times in a row; the table and the ratios take each job's fastest run, "
              + "and the line lists them all (default: ${DEFAULT-VALUE}). A job's first run in this "
              + "JVM also pays for compiling what the warm-up did not reach.")
  int runs;

  @Option(
      names = "--resolution",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "The replay's output grid (default: as replay, by the range's length).")
  Duration resolution;

  @Mixin FlinkOptions flink;

  @Mixin ConfigOptions configDir;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description =
          "Scratch folder for the simulated and spread archives and the replay's files "
              + "(default: a temporary folder, deleted at the end).")
  Path work;

  @Override
  public void run() {
    if (runs < 1) {
      throw new ParameterException(spec.commandLine(), "--runs must be at least 1, not " + runs);
    }
    if (warmUp.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--warm-up must not be negative: " + warmUp);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path config = configDir.dir != null ? configDir.dir : defaultConfigDir();
    List<Integer> curve = curve();
    boolean temporary = work == null;
    try {
      Path scratch =
          temporary ? Files.createTempDirectory("bench-replay") : Files.createDirectories(work);
      try {
        measure(out, config, curve, scratch);
      } finally {
        if (temporary) {
          delete(scratch);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParameterException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("benchmark failed: " + e.getMessage(), e);
    }
  }

  private void measure(PrintWriter out, Path config, List<Integer> curve, Path scratch)
      throws Exception {
    Path input = archive != null ? archive : simulate(out, config, scratch.resolve("archive"));
    Input in = range(input, config);
    Duration grid =
        resolution != null
            ? resolution
            : ReplayCommand.defaultResolution(Duration.between(in.from(), in.to()));
    int base = ReplayBenchmark.serviceDistrictSeries(in);
    for (int n : curve) {
      if (n % base != 0) {
        throw new ParameterException(
            spec.commandLine(),
            "--series "
                + n
                + " is not a multiple of the "
                + base
                + " configured (service, district) series");
      }
    }
    // As replay's environment, but checkpoints go to files in the scratch folder: in the
    // JobManager's
    // memory (replay's default) a checkpoint over 5 MB fails the job, and 400 series' state is 8
    // MB.
    Path checkpoints = scratch.resolve("checkpoints");
    Supplier<StreamExecutionEnvironment> env =
        () ->
            FlinkEnvironment.create(
                FlinkEnvironment.WebUi.NONE,
                flink.parallelism,
                FlinkEnvironment.Checkpoints.every(Duration.ofSeconds(30)),
                new FlinkEnvironment.State(checkpoints, null),
                null);
    out.printf(
        "Replay benchmark: %s, %s to %s, parallelism %d, %d cores, replay demand every %s%n",
        in.archive(),
        in.from(),
        in.to(),
        flink.parallelism,
        Runtime.getRuntime().availableProcessors(),
        DurationConverter.format(grid));
    out.flush();

    // With a one-day warm-up the year's first replay took twice as long as the same job run again
    // right after it (20.5 s, 9.6 s): the baselines start assessing after min-weeks, and their code
    // was compiled during the measured run.
    if (!warmUp.isZero()) {
      Input start =
          new Input(
              in.archive(), in.configDir(), in.from(), earliest(in.from().plus(warmUp), in.to()));
      ReplayBenchmark.passthrough(env, start);
      if (!skipSql) {
        ReplayBenchmark.sql(env, start);
      }
      ReplayBenchmark.replay(env, start, grid, scratch.resolve("warm-up"), "warm-up");
    }

    Result passthrough = fastest(out, () -> ReplayBenchmark.passthrough(env, in));
    Result sql = skipSql ? null : fastest(out, () -> ReplayBenchmark.sql(env, in));
    Result replay =
        fastest(
            out,
            () ->
                ReplayBenchmark.replay(
                    env,
                    in,
                    grid,
                    emptied(scratch.resolve("replay")),
                    "replay: the pipeline as 'replay' runs it (shipped rules, demand every "
                        + DurationConverter.format(grid)
                        + ")"));

    List<Result> scaling = new ArrayList<>();
    for (int n : curve) {
      int k = n / base;
      Input spread = k == 1 ? in : ReplayBenchmark.spread(in, k, scratch.resolve("spread-" + n));
      scaling.add(
          fastest(
              out,
              () ->
                  ReplayBenchmark.replay(
                      env,
                      spread,
                      grid,
                      emptied(scratch.resolve("replay-" + n)),
                      String.format("replay, %,d (service, district) series", n))));
      if (k > 1) {
        delete(scratch.resolve("spread-" + n));
      }
      delete(scratch.resolve("replay-" + n));
    }

    out.println();
    out.printf(
        "replay / passthrough: %.2fx (target: at most 2x)%n",
        replay.seconds() / passthrough.seconds());
    if (sql != null) {
      out.printf(
          "Flink SQL / replay:   %.2fx (target: at least 3x)%n", sql.seconds() / replay.seconds());
    }
    if (scaling.size() > 1) {
      Result first = scaling.get(0);
      for (int i = 1; i < scaling.size(); i++) {
        out.printf(
            "replay %,d / %,d series: %.2fx%s%n",
            curve.get(i),
            curve.get(0),
            scaling.get(i).seconds() / first.seconds(),
            i == scaling.size() - 1 ? " (target: at most 2x from 40 to 4,000)" : "");
      }
    }
    out.flush();
  }

  /** Runs a job --runs times and prints its fastest run, listing every run's time. */
  private Result fastest(PrintWriter out, java.util.concurrent.Callable<Result> job)
      throws Exception {
    Result best = null;
    List<String> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Result result = job.call();
      times.add(String.format("%.1f", result.seconds()));
      best = best == null || result.millis() < best.millis() ? result : best;
    }
    out.printf(
        "  %-72s %8.1f s %,10.0f records/s%s%n",
        best.name(),
        best.seconds(),
        best.records() / Math.max(best.seconds(), 1e-3),
        runs > 1 ? "   (runs: " + String.join(", ", times) + " s)" : "");
    out.flush();
    return best;
  }

  private Path simulate(PrintWriter out, Path config, Path dir) {
    Instant start = from != null ? from : Instant.parse("2025-09-01T00:00:00Z");
    Instant end = to != null ? to : Instant.parse("2026-09-01T00:00:00Z");
    out.printf("Simulating %s to %s into %s ...%n", start, end, dir);
    out.flush();
    List<String> args =
        new ArrayList<>(
            List.of(
                "simulate",
                "--from",
                start.toString(),
                "--to",
                end.toString(),
                "--out",
                dir.toString()));
    if (config != null) {
      args.addAll(List.of("--config-dir", config.toString()));
    }
    CommandLine simulate = DemandMonitorCli.commandLine();
    simulate.setOut(new PrintWriter(java.io.Writer.nullWriter()));
    if (simulate.execute(args.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("simulate failed: " + String.join(" ", args));
    }
    return dir;
  }

  /**
   * The range: --from/--to, or the archive's days (as replay's default, without the clock's cap).
   */
  private Input range(Path dir, Path config) {
    ConfigFiles files = config == null ? ConfigFiles.packaged() : ConfigFiles.directory(config);
    List<String> topics =
        ReferenceData.load(files).services().stream().map(Service::topic).toList();
    TreeSet<LocalDate> days = Archive.days(dir, topics);
    if (days.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--archive " + dir + ": no archived days");
    }
    Instant start = from != null ? from : days.first().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end =
        to != null ? to : days.last().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return new Input(dir, config, start, end);
  }

  private List<Integer> curve() {
    if (series.size() == 1 && series.get(0).equals("none")) {
      return List.of();
    }
    try {
      return series.stream().map(Integer::parseInt).toList();
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(), "--series takes numbers (40,400,4000) or 'none'");
    }
  }

  private static Path defaultConfigDir() {
    Path dir = Path.of(System.getProperty("config.dir", "config"));
    return Files.isDirectory(dir) ? dir : null;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** The folder, emptied of a previous run's files. */
  private static Path emptied(Path dir) throws IOException {
    delete(dir);
    return dir;
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
