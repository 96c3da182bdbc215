package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.evaluate.ArchiveInjection;
import io.demandmonitor.evaluate.EvaluationConfig;
import io.demandmonitor.evaluate.EvaluationReport;
import io.demandmonitor.evaluate.EvaluationSinks;
import io.demandmonitor.evaluate.Scoring;
import io.demandmonitor.evaluate.Scoring.FalseAlerts;
import io.demandmonitor.evaluate.Scoring.Incident;
import io.demandmonitor.evaluate.Scoring.ScoredEpisode;
import io.demandmonitor.evaluate.Scoring.SurgeResult;
import io.demandmonitor.evaluate.SimulatedArchives;
import io.demandmonitor.evaluate.SurgePlan;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.replay.ArchiveSource;
import io.demandmonitor.replay.ReplayProgress;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.Surge;
import io.demandmonitor.sink.LocalHandle;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code demand-monitor evaluate}: how well a set of alert rules detects injected surges, and how
 * often it alarms on none, measured by replaying simulated history through the same pipeline.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Measures how well alert rules detect surges. For each seed it simulates --from to --to (after a "
          + "warm-up of evaluation.yaml) twice with the same base demand: once with synthetic surges of the classes in "
          + "evaluation.yaml injected at random (seeded) times, services and districts, once without. Both are "
          + "replayed as archives through the same pipeline as 'replay', with the rules of --alerts. It reports "
          + "per surge class the share detected, the median and 90th-percentile time to the first alert, the "
          + "episodes and incidents per detected surge, how many were one incident, detected by chance (the "
          + "surge-free copy's alerts) and by new alerts only; and, on the surge-free copy, false alert episodes "
          + "per service-area-month at level >= 2 and >= 3, notifications (episodes reaching level 3) per week, "
          + "and incidents and their notifications per week. A table on the console, everything (each surge's "
          + "fate too) with --json.",
      "With --archive, the surges are injected into that archive instead (real history, or one 'simulate --out' "
          + "wrote): each event of the surge's service and districts is copied a Poisson number of times (mean: "
          + "size - 1) and the extra per hour is added as copies of the day's events; the archive itself is the "
          + "surge-free copy, so any real surge in it counts as a false alert. Seeds then only place the surges.",
      "Definitions and measured figures: docs/alerting.md, 'Measuring detection: evaluate'."
    })
public final class EvaluateCommand implements Runnable {

  private static final DateTimeFormatter REACHED =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm");

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description =
          "Start of the scored period: a day (2025-09-01, midnight in the alert rules' time zone) or an "
              + "instant. The warm-up of evaluation.yaml is simulated (or read from --archive) before it. Required "
              + "without --archive; with it, default: the archive's first day plus the warm-up.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description =
          "End of the scored period, as --from (required without "
              + "--archive; with it, default: the end of the archive's last day).")
  String to;

  @Option(
      names = "--archive",
      paramLabel = "DIR",
      description =
          "Inject the surges into this archive (real history, or 'simulate --out') instead of simulating.")
  Path archive;

  @Option(
      names = "--seed",
      split = ",",
      paramLabel = "N",
      description =
          "Simulator seeds, e.g. 1,2: each is a simulation of its own, results added up "
              + "(default: the seed in simulation.yaml).")
  List<Long> seeds;

  @Option(
      names = "--evaluation",
      paramLabel = "FILE",
      description =
          "Surge classes and scoring settings (default: evaluation.yaml of the config folder).")
  Path evaluation;

  @Option(
      names = "--classes",
      split = ",",
      paramLabel = "NAME",
      description = "Only these surge classes of evaluation.yaml (default: all).")
  List<String> classes;

  @Option(
      names = "--count",
      defaultValue = "-1",
      paramLabel = "N",
      description =
          "Surges of each class per seed, instead of each class's count in evaluation.yaml.")
  int count;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the whole result as JSON here.")
  Path json;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Keep the simulated archives here (default: a temporary folder, deleted at the end).")
  Path workDir;

  @Option(
      names = "--clean",
      description = "Simulate perfect feeds: no late, duplicate or malformed records.")
  boolean clean;

  @Mixin ReplayOptions replayOptions;

  /**
   * The configuration an evaluation reads; {@code evaluation} narrowed to --classes and --count.
   */
  private record Config(
      ReferenceData reference,
      WindowSettings windows,
      AlertRules rules,
      EvaluationConfig evaluation,
      SimulationConfig simulation,
      String rulesName) {

    /** Every service in every district and the county, which false alerts are counted per. */
    int serviceAreas() {
      return reference.services().size() * (reference.districts().size() + 1);
    }
  }

  /** The scored period [start, end), after a warm-up from {@code warmStart}. */
  private record Period(Instant warmStart, Instant start, Instant end) {}

  /** What the seeds add up to. */
  private static final class Tally {
    final List<SurgeResult> results = new ArrayList<>();
    final List<FalseAlerts> falseAlerts = new ArrayList<>();
    final List<SurgeResult> byChance = new ArrayList<>();
  }

  @Override
  public void run() {
    PrintWriter console = spec.commandLine().getOut();
    Config config = loadConfig();
    TreeSet<LocalDate> days =
        archive == null ? null : replayOptions.archiveDays(archive, config.reference());
    Period period = period(config, days);
    List<Long> runSeeds =
        seeds == null || seeds.isEmpty() ? List.of(config.simulation().seed()) : List.copyOf(seeds);
    if (runSeeds.stream().distinct().count() < runSeeds.size()) {
      throw new ParameterException(spec.commandLine(), "--seed: each seed once, not " + runSeeds);
    }
    String input =
        archive == null
            ? "simulated history"
            : "archive " + archive + " (surges added as Poisson copies of its own events)";
    printPlan(config, period, runSeeds, input, days, console);

    long began = System.nanoTime();
    Tally tally = evaluate(config, period, runSeeds, console);
    tally.results.sort(
        Comparator.comparing(SurgeResult::start).thenComparingLong(SurgeResult::seed));
    EvaluationConfig used = config.evaluation();
    EvaluationReport report =
        new EvaluationReport(
            period.start(),
            period.end(),
            used.warmUp(),
            runSeeds,
            input,
            config.rulesName(),
            true,
            used.classes(),
            Scoring.summarise(List.copyOf(used.classes().keySet()), tally.results, tally.byChance),
            Scoring.combine(tally.falseAlerts),
            tally.falseAlerts,
            tally.results,
            EvaluationReport.DEFINITIONS);
    console.printf("Evaluated in %.0f s%n", seconds(began));
    report.print(console);
    if (json != null) {
      try {
        report.writeJson(json);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
      }
      console.println("JSON: " + json.toAbsolutePath());
    }
    console.flush();
  }

  private Config loadConfig() {
    ConfigFiles files = replayOptions.files();
    ReferenceData reference = ReferenceData.load(files);
    WindowSettings windows = WindowSettings.load(files);
    AlertRules rules = replayOptions.rules(reference, windows);
    EvaluationConfig config =
        evaluation == null
            ? EvaluationConfig.load(files, EvaluationConfig.FILE, reference)
            : EvaluationConfig.load(
                replayOptions.folderOf("--evaluation", evaluation),
                evaluation.getFileName().toString(),
                reference);
    if (classes != null) {
      classes.stream()
          .filter(c -> !config.classes().containsKey(c))
          .findFirst()
          .ifPresent(
              c -> {
                throw new ParameterException(
                    spec.commandLine(),
                    "--classes: '"
                        + c
                        + "' is not a class of "
                        + (evaluation != null ? evaluation : files.describe(EvaluationConfig.FILE))
                        + " (known: "
                        + config.classes().keySet()
                        + ")");
              });
    }
    SimulationConfig simulation = SimulationConfig.load(files, reference);
    if (clean) {
      simulation = simulation.withImperfections(SimulationConfig.Imperfections.NONE);
    }
    return new Config(
        reference,
        windows,
        rules,
        config.only(classes, count),
        simulation,
        replayOptions.rulesName());
  }

  /** --from and --to, or the archive's days less the warm-up. */
  private Period period(Config config, TreeSet<LocalDate> days) {
    if (archive == null && (from == null || to == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "give --from and --to (the scored period to simulate), " + "or --archive DIR");
    }
    ZoneId zone = config.rules().zone();
    Duration warmUp = config.evaluation().warmUp();
    Instant start =
        from != null
            ? replayOptions.time("--from", from, zone)
            : days.first().atStartOfDay(ZoneOffset.UTC).toInstant().plus(warmUp);
    Instant end =
        to != null
            ? replayOptions.time("--to", to, zone)
            : days.last().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (!end.isAfter(start)) {
      throw new ParameterException(
          spec.commandLine(),
          "--to ("
              + end
              + ") must be after --from ("
              + start
              + ")"
              + (archive != null && from == null
                  ? ", the archive's first day plus the warm-up"
                  : ""));
    }
    return new Period(start.minus(warmUp), start, end);
  }

  private void printPlan(
      Config config,
      Period period,
      List<Long> runSeeds,
      String input,
      TreeSet<LocalDate> days,
      PrintWriter console) {
    console.printf(
        "Evaluating %s on %s to %s (warm-up from %s), seed%s %s, %s%n",
        config.rulesName(),
        period.start(),
        period.end(),
        period.warmStart(),
        runSeeds.size() == 1 ? "" : "s",
        runSeeds,
        input);
    if (days != null
        && days.first().atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(period.warmStart())) {
      console.printf(
          "  (the archive starts on %s: the warm-up is shorter than %s)%n",
          days.first(), EvaluationReport.describe(config.evaluation().warmUp()));
    }
    config
        .evaluation()
        .classes()
        .forEach((name, c) -> console.println("  " + EvaluationReport.describe(name, c)));
    console.flush();
  }

  /** Every seed in turn, in a work folder deleted at the end unless --work-dir keeps it. */
  private Tally evaluate(Config config, Period period, List<Long> runSeeds, PrintWriter console) {
    Tally tally = new Tally();
    Path work = workDir != null ? workDir : temporaryFolder();
    try {
      Raised asItIs = null;
      if (archive != null) { // the archive itself is the surge-free copy, the same for every seed
        asItIs = replay(archive, config, period, "archive as it is", console);
        tally.falseAlerts.add(
            Scoring.falseAlerts(
                asItIs.episodes(),
                asItIs.incidents(),
                period.start(),
                period.end(),
                config.serviceAreas()));
      }
      for (long seed : runSeeds) {
        evaluateSeed(seed, config, period, work, asItIs, tally, console);
      }
    } finally {
      if (workDir == null) {
        delete(work);
      }
    }
    return tally;
  }

  /**
   * One seed: its surges placed, the archives with and without them written, both replayed and
   * scored. With --archive, {@code asItIs} is the surge-free replay.
   */
  private void evaluateSeed(
      long seed,
      Config config,
      Period period,
      Path work,
      Raised asItIs,
      Tally tally,
      PrintWriter console) {
    List<SurgePlan.Placed> plan;
    try {
      plan =
          SurgePlan.place(
              config.evaluation(),
              config.reference(),
              config.rules().zone(),
              seed,
              period.start(),
              period.end());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path withSurges = work.resolve("seed-" + seed + "-surges");
    Path withoutSurges = work.resolve("seed-" + seed + "-surge-free");
    writeArchives(seed, plan, config, period, withSurges, withoutSurges, console);
    Raised surged = replay(withSurges, config, period, "seed " + seed + " with surges", console);
    Raised surgeFree =
        archive != null
            ? asItIs
            : replay(withoutSurges, config, period, "seed " + seed + " surge-free", console);
    if (archive == null) {
      tally.falseAlerts.add(
          Scoring.falseAlerts(
              surgeFree.episodes(),
              surgeFree.incidents(),
              period.start(),
              period.end(),
              config.serviceAreas()));
    }
    tally.byChance.addAll(Scoring.score(seed, plan, surgeFree.episodes(), surgeFree.incidents()));
    tally.results.addAll(
        Scoring.score(seed, plan, surged.episodes(), surged.incidents(), surgeFree.episodes()));
    if (workDir == null) {
      delete(withSurges);
      delete(withoutSurges);
    }
  }

  /** The archive with the surges injected, or both simulated copies (with and without them). */
  private void writeArchives(
      long seed,
      List<SurgePlan.Placed> plan,
      Config config,
      Period period,
      Path withSurges,
      Path withoutSurges,
      PrintWriter console) {
    List<Surge> surges = plan.stream().map(SurgePlan.Placed::surge).toList();
    long t0 = System.nanoTime();
    if (archive != null) {
      ArchiveInjection.Written written =
          ArchiveInjection.inject(
              config.reference(),
              archive,
              surges,
              seed,
              period.warmStart(),
              period.end(),
              withSurges);
      console.printf(
          "Seed %d: %d surges placed; %,d records of the archive and %,d copies injected in %.0f s%n",
          seed, plan.size(), written.original(), written.added(), seconds(t0));
    } else {
      SimulatedArchives.Written written =
          SimulatedArchives.write(
              config.reference(),
              config.simulation().withSeed(seed),
              surges,
              period.warmStart(),
              period.end(),
              withSurges,
              withoutSurges);
      console.printf(
          "Seed %d: %d surges placed; simulated %,d records (%,d without the surges) in %.0f s%n",
          seed, plan.size(), written.withSurges(), written.withoutSurges(), seconds(t0));
    }
    console.flush();
  }

  /** What a replay raised: alert episodes and incidents. */
  private record Raised(List<ScoredEpisode> episodes, List<Incident> incidents) {}

  /**
   * One archive through the pipeline as a replay does, from the warm-up on; its alert episodes and
   * incidents.
   */
  private Raised replay(
      Path archive, Config config, Period period, String name, PrintWriter console) {
    StreamExecutionEnvironment env = FlinkEnvironment.bounded(replayOptions.flink.parallelism);
    String run = name.replace(' ', '-') + "-" + System.nanoTime();
    ReplayProgress progress = new ReplayProgress();
    try (LocalHandle<ReplayProgress> progressHandle = LocalHandle.register(progress);
        EvaluationSinks sinks = new EvaluationSinks()) {
      DemandPipeline.build(
          ArchiveSource.create(
              env,
              archive,
              config.reference(),
              period.warmStart(),
              period.end(),
              0,
              progressHandle),
          PipelineSettings.defaults(config.reference(), config.windows(), config.rules())
              .withMaxEventAge(PipelineSettings.DEFAULT_MAX_EVENT_AGE)
              .forReplay(Duration.ofDays(1), period.warmStart()),
          sinks);
      long t0 = System.nanoTime();
      execute(env, run, name, progress, config.rules().zone(), console);
      List<ScoredEpisode> episodes = Scoring.episodes(sinks.alertChanges());
      List<Incident> incidents = Scoring.incidents(sinks.incidentChanges());
      console.printf(
          "  %s: replayed %,d records in %.0f s, %d alert episodes, %d incidents%n",
          name, progress.events(), seconds(t0), episodes.size(), incidents.size());
      console.flush();
      return new Raised(episodes, incidents);
    }
  }

  /** Runs the replay to its end, printing how far it has read every --progress-every. */
  private void execute(
      StreamExecutionEnvironment env,
      String run,
      String name,
      ReplayProgress progress,
      ZoneId zone,
      PrintWriter console) {
    ScheduledExecutorService printer = ConsoleTimer.create("evaluate-progress");
    printer.scheduleAtFixedRate(
        () -> {
          long reached = progress.reached();
          if (reached != Long.MIN_VALUE) {
            console.printf(
                "  %s: %,d records, up to %s%n",
                name,
                progress.events(),
                REACHED.format(Instant.ofEpochMilli(reached).atZone(zone)));
            console.flush();
          }
        },
        replayOptions.progressEvery.toMillis(),
        replayOptions.progressEvery.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      env.execute("demand-monitor evaluate " + run);
    } catch (Exception e) {
      throw new IllegalStateException("The replay of " + name + " failed: " + e.getMessage(), e);
    } finally {
      printer.shutdownNow();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static Path temporaryFolder() {
    try {
      return Files.createTempDirectory("demand-monitor-evaluate-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for the archives", e);
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is no failure
    }
  }
}
