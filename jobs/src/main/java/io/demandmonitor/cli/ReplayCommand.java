package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.ingest.KafkaIngest;
import io.demandmonitor.ingest.KafkaSettings;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.ingest.SourceWatermarks;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.replay.ArchiveSource;
import io.demandmonitor.replay.ReplayProgress;
import io.demandmonitor.replay.ReplayReport;
import io.demandmonitor.replay.ReplaySinks;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import io.demandmonitor.sink.LocalHandle;
import io.demandmonitor.sink.OutputSinks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code demand-monitor replay}: the archive of a date range through the same pipeline as live. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replays archived input events (Avro files per stream and day, written by the live job or by "
          + "'simulate --out'), or with --kafka the input topics' records of --from to --to (by record time), "
          + "through the same pipeline as live, as a bounded job on an embedded Flink runtime, "
          + "as fast as possible or paced. Results are tagged with the run id, so dashboards compare it with "
          + "live; --alerts replaces the alert rules for this run only (what-if). With --influx-url, the run's "
          + "alert episodes are compared at the end with another run (--compare, default live): printed, and "
          + "written as CSV and JSON under --report."
    })
public final class ReplayCommand implements Runnable {

  private static final DateTimeFormatter REACHED =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm");

  @Spec CommandSpec spec;

  @Mixin InfluxOptions influx;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--archive",
      paramLabel = "DIR",
      description = "The archive to replay (or --kafka).")
  Path archive;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description =
          "Start: a day (2026-03-02, midnight in the alert rules' time zone) or an instant "
              + "(2026-03-02T09:00:00Z) (default: the archive's first day).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description =
          "End (exclusive), as --from (default: the end of the "
              + "archive's last day, or the next full hour if that is sooner).")
  String to;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "The run tag of every result (default: replay-<date>-<time> of now, UTC).")
  String runId;

  @Option(
      names = "--speed",
      defaultValue = "max",
      paramLabel = "X",
      description =
          "'max' (as fast as possible), or times real time, e.g. 60x (default: ${DEFAULT-VALUE}).")
  String speed;

  @Option(
      names = "--resolution",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Write demand at window ends on this grid only, e.g. 1h; alerts still see every value "
              + "(default: 1m up to 2 days, 15m up to 31 days, 1h up to 92 days, else 1d).")
  Duration resolution;

  @Option(
      names = "--compare",
      defaultValue = InfluxSettings.LIVE,
      paramLabel = "RUN",
      description = "The run to compare alert episodes with (default: ${DEFAULT-VALUE}).")
  String compare;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Where the comparison goes (default: " + Defaults.OUT + "/replays/<run id>).")
  Path report;

  @Option(
      names = "--out",
      defaultValue = Defaults.OUT + "/replay",
      paramLabel = "DIR",
      description =
          "Without InfluxDB: folder of the line-protocol and dead-letter files (default: ${DEFAULT-VALUE}).")
  Path out;

  @Mixin ReplayOptions replayOptions;

  /** The configuration files a replay reads, with --alerts in place of the shipped rules. */
  private record Config(ReferenceData reference, WindowSettings windows, AlertRules rules) {}

  /** The replayed range [start, end), and the grid demand is written on. */
  private record Range(Instant start, Instant end, Duration grid) {}

  @Override
  public void run() {
    PrintWriter console = spec.commandLine().getOut();
    Config config = loadConfig();
    ZoneId zone = config.rules().zone();
    String run = RunIds.notLive(spec, runId, "replay");
    double pace = pace();
    checkSource(pace);
    Range range = range(config.reference(), zone);
    InfluxSettings influxSettings = influx.settings(run);
    if (influxSettings != null) {
      InfluxOptions.prepare(influxSettings, console);
    }
    ReplayProgress progress = new ReplayProgress();
    // Followed in this JVM: on a cluster the source and sinks run in the task managers.
    try (LocalHandle<ReplayProgress> progressHandle =
        FlinkEnvironment.embedded() ? LocalHandle.register(progress) : null) {
      StreamExecutionEnvironment env = FlinkEnvironment.bounded(replayOptions.flink.parallelism);
      DemandPipeline.build(
          source(env, config.reference(), run, range, pace, progressHandle),
          PipelineSettings.defaults(config.reference(), config.windows(), config.rules())
              .withMaxEventAge(PipelineSettings.DEFAULT_MAX_EVENT_AGE)
              .forReplay(range.grid(), range.start()),
          new ReplaySinks(
              OutputSinks.builder(
                      config.reference(), new AlertText(config.reference(), zone), run, out)
                  .influx(influxSettings)
                  .build(),
              range.grid(),
              range.end(),
              progressHandle));
      printStart(run, range, pace);
      double seconds = execute(env, run, zone, progress);
      report(run, range, influxSettings, seconds, progress);
    }
  }

  private void printStart(String run, Range range, double pace) {
    PrintWriter console = spec.commandLine().getOut();
    console.printf(
        "Replaying %s from %s to %s as run %s (%s, demand every %s%s)%n",
        archive != null ? archive : "Kafka at " + kafka.bootstrapServers,
        range.start(),
        range.end(),
        run,
        pace > 0 ? speed + " real time" : "as fast as possible",
        DurationConverter.format(range.grid()),
        replayOptions.alerts != null ? ", alert rules from " + replayOptions.alerts : "");
    console.flush();
  }

  private Config loadConfig() {
    ConfigFiles files = replayOptions.files();
    ReferenceData reference = ReferenceData.load(files);
    WindowSettings windows = WindowSettings.load(files);
    return new Config(reference, windows, replayOptions.rules(reference, windows));
  }

  private void checkSource(double pace) {
    if ((archive == null) == !kafka.enabled()) {
      throw new ParameterException(
          spec.commandLine(), "give --archive DIR or --kafka HOST:PORT (one of them)");
    }
    if (kafka.enabled() && (from == null || to == null || pace > 0)) {
      throw new ParameterException(
          spec.commandLine(), "--kafka needs --from and --to, and replays as fast as possible");
    }
  }

  /**
   * --from, --to and --resolution, or their defaults from the archive's days and the range's
   * length.
   */
  private Range range(ReferenceData reference, ZoneId zone) {
    TreeSet<LocalDate> days =
        kafka.enabled() ? null : replayOptions.archiveDays(archive, reference);
    Instant start =
        from != null
            ? replayOptions.time("--from", from, zone)
            : days.first().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end =
        to != null
            ? replayOptions.time("--to", to, zone)
            : earliest(
                days.last().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                Instant.now()
                    .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .plus(Duration.ofHours(1)));
    if (!end.isAfter(start)) {
      throw new ParameterException(
          spec.commandLine(), "--to (" + end + ") must be after --from (" + start + ")");
    }
    Duration grid =
        resolution != null ? resolution : defaultResolution(Duration.between(start, end));
    if (grid.isZero() || grid.isNegative() || grid.toMillis() % 60_000 != 0) {
      throw new ParameterException(
          spec.commandLine(), "--resolution must be a whole number of minutes, not " + grid);
    }
    return new Range(start, end, grid);
  }

  /** Runs the job to its end, printing progress; how long it took, in seconds. */
  private double execute(
      StreamExecutionEnvironment env, String run, ZoneId zone, ReplayProgress progress) {
    long began = System.nanoTime();
    ScheduledExecutorService printer = ConsoleTimer.create("replay-progress");
    printer.scheduleAtFixedRate(
        () -> printProgress(progress, began, zone),
        replayOptions.progressEvery.toMillis(),
        replayOptions.progressEvery.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      env.execute("demand-monitor replay " + run);
    } catch (Exception e) {
      throw new IllegalStateException("The replay failed: " + e.getMessage(), e);
    } finally {
      printer.shutdownNow();
    }
    return (System.nanoTime() - began) / 1e9;
  }

  private void report(
      String run,
      Range range,
      InfluxSettings influxSettings,
      double seconds,
      ReplayProgress progress) {
    PrintWriter console = spec.commandLine().getOut();
    console.println(
        ReplayReport.replayed(
            progress.events(),
            progress.counted(HealthEvent.ACCEPTED),
            progress.counted(HealthEvent.DUPLICATE),
            progress.counted(HealthEvent.DEAD_LETTER),
            progress.counted(HealthEvent.LATE),
            seconds));
    console.println("Results: " + (influxSettings != null ? influxSettings : out.toAbsolutePath()));
    if (influxSettings != null) {
      compare(influxSettings, run, range.start(), range.end(), console);
    } else {
      console.println("No comparison: it reads both runs' alerts from InfluxDB (--influx-url).");
    }
    console.flush();
  }

  /**
   * The archive, or the input topics' records of [start, end) by record time (group
   * demand-monitor-replay-RUN); each record counted in {@code progress} unless it is null.
   */
  private DataStream<RawRecord> source(
      StreamExecutionEnvironment env,
      ReferenceData reference,
      String run,
      Range range,
      double pace,
      LocalHandle<ReplayProgress> progress) {
    if (archive != null) {
      return ArchiveSource.create(
          env, archive, reference, range.start(), range.end(), pace, progress);
    }
    KafkaSettings settings =
        kafka.settings(
            "demand-monitor-replay-" + run,
            range.start().toString(),
            Defaults.DEAD_LETTER_TOPIC,
            new SourceWatermarks(
                Defaults.duration(Defaults.OUT_OF_ORDERNESS),
                Defaults.duration(Defaults.IDLENESS),
                Defaults.duration(PipelineSettings.DEFAULT_FUTURE_MARGIN),
                null));
    DataStream<RawRecord> records =
        KafkaIngest.sources(
            env, reference, settings, OffsetsInitializer.timestamp(range.end().toEpochMilli()));
    if (progress == null) {
      return records;
    }
    return records
        .map(
            record -> {
              progress.get().reached(record.timestamp, 1);
              return record;
            })
        .returns(RawRecord.class)
        .name("replay-progress");
  }

  private void compare(
      InfluxSettings settings, String run, Instant start, Instant end, PrintWriter console) {
    try (InfluxConnection connection = new InfluxConnection(settings)) {
      if (!ReplayReport.wroteDemand(connection, compare, start, end)) {
        console.printf(
            "No comparison: run %s wrote nothing between %s and %s (--compare names another run)%n",
            compare, start, end);
        return;
      }
      ReplayReport.Comparison comparison =
          ReplayReport.compare(
              run,
              ReplayReport.episodes(connection, run, start, end),
              compare,
              ReplayReport.episodes(connection, compare, start, end),
              start,
              end);
      ReplayReport.print(comparison, console);
      Path dir = report != null ? report : Path.of(Defaults.OUT, "replays", run);
      ReplayReport.write(comparison, dir);
      console.printf(
          "Comparison with %s: %s (comparison.json, levels.csv, episodes.csv)%n",
          compare, dir.toAbsolutePath());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "cannot compare with run " + compare + ": " + e.getMessage(), e);
    }
  }

  private void printProgress(ReplayProgress progress, long began, ZoneId zone) {
    long reached = progress.reached();
    if (reached == Long.MIN_VALUE) {
      return;
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    PrintWriter console = spec.commandLine().getOut();
    console.printf(
        "  %,d records, up to %s, %,.0f records/s%n",
        progress.events(),
        REACHED.format(Instant.ofEpochMilli(reached).atZone(zone)),
        progress.events() / seconds);
    console.flush();
  }

  private double pace() {
    if (speed.equals("max")) {
      return 0;
    }
    try {
      double x =
          Double.parseDouble(speed.endsWith("x") ? speed.substring(0, speed.length() - 1) : speed);
      if (x > 0) {
        return x;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ParameterException(
        spec.commandLine(),
        "--speed '"
            + speed
            + "' must be 'max' or a positive "
            + "multiple of real time such as 60x");
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  static Duration defaultResolution(Duration range) {
    return range.compareTo(Duration.ofDays(2)) <= 0
        ? Duration.ofMinutes(1)
        : range.compareTo(Duration.ofDays(31)) <= 0
            ? Duration.ofMinutes(15)
            : range.compareTo(Duration.ofDays(92)) <= 0 ? Duration.ofHours(1) : Duration.ofDays(1);
  }
}
