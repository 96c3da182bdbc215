package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ConfigException;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.ingest.KafkaIngest;
import io.demandmonitor.ingest.KafkaSettings;
import io.demandmonitor.ingest.SourceWatermarks;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.pipeline.PipelineSinks;
import io.demandmonitor.replay.ReplaySinks;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.KafkaPublisher;
import io.demandmonitor.simulate.SimulatedRun;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.SimulatorSource;
import io.demandmonitor.simulate.Surge;
import io.demandmonitor.sink.InfluxSettings;
import io.demandmonitor.sink.KafkaSinks;
import io.demandmonitor.sink.LiveSummary;
import io.demandmonitor.sink.LocalHandle;
import io.demandmonitor.sink.OutputSinks;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code demand-monitor run}: the demand pipeline on an embedded Flink runtime. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the demand pipeline on an embedded Flink runtime (web UI on http://127.0.0.1:8081).",
      "By default the built-in simulator back-fills the last 24 hours at an accelerated clock, then "
          + "continues at real pace; demand is written as InfluxDB line protocol under out/ and summarised "
          + "on the console. With --influx-url demand and pipeline health go to InfluxDB instead of files. "
          + "With --kafka it reads the four input topics instead and sends dead letters to the dead-letter "
          + "topic. Stops cleanly on Ctrl-C or after --duration."
    })
public final class RunCommand implements Runnable {

  private static final DateTimeFormatter SCENARIO_TIME =
      DateTimeFormatter.ofPattern("EEE d MMM HH:mm");

  @Spec CommandSpec spec;

  @Mixin SimulationOptions simulation;

  @Mixin KafkaOptions kafka;

  @Mixin InfluxOptions influx;

  @Option(
      names = "--group-id",
      paramLabel = "ID",
      description =
          "Kafka consumer group; offsets are committed to it on each checkpoint (default: demand-monitor; "
              + "with --no-live demand-monitor-<run id>, so a bounded run leaves the live job's offsets alone).")
  String groupId;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "With --kafka --no-live, the run tag of every result, never live, so a bounded run does not "
              + "write into the live view (default: bounded-<date>-<time> of now, UTC). Live runs are tagged live.")
  String runId;

  @Option(
      names = "--max-event-age",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "In a live --kafka run, an event dated further back than this from the clock is set aside as "
              + "late, even before the first watermark (as after a restart); more than windows.yaml's allowed-lateness "
              + "plus --out-of-orderness (default: the longest horizon or baseline history plus allowed-lateness, so a "
              + "first start can rebuild them from the topics: 57d with the shipped configuration).")
  Duration maxEventAge;

  @Option(
      names = "--start-from",
      defaultValue = "committed",
      paramLabel = "POSITION",
      description =
          "Where to start reading: committed (the group's offsets, else earliest), earliest, latest, "
              + "or an instant such as 2026-03-02T09:00:00Z (default: ${DEFAULT-VALUE}).")
  String startFrom;

  @Option(
      names = "--dead-letter-topic",
      defaultValue = Defaults.DEAD_LETTER_TOPIC,
      paramLabel = "TOPIC",
      description =
          "Where records that cannot be used go, with the reason (default: ${DEFAULT-VALUE}).")
  String deadLetterTopic;

  @Option(
      names = "--alert-topic",
      defaultValue = "demand-alerts",
      paramLabel = "TOPIC",
      description =
          "Where alert changes go when reading Kafka, as SurgeAlert records (default: ${DEFAULT-VALUE}).")
  String alertTopic;

  @Option(
      names = "--incident-topic",
      defaultValue = "demand-incidents",
      paramLabel = "TOPIC",
      description =
          "Where incident changes go when reading Kafka, as SurgeIncident records: the episodes of one "
              + "surge grouped (default: ${DEFAULT-VALUE}).")
  String incidentTopic;

  @Option(
      names = "--create-topics",
      description =
          "With --kafka: create missing input topics (as many partitions as --parallelism) instead of "
              + "stopping. The dead-letter, alert and incident topics are always created when missing.")
  boolean createTopics;

  @Option(
      names = "--out-of-orderness",
      converter = DurationConverter.class,
      defaultValue = Defaults.OUT_OF_ORDERNESS,
      paramLabel = "DURATION",
      description =
          "How far out of event-time order records may arrive before they count as late "
              + "(default: ${DEFAULT-VALUE}).")
  Duration outOfOrderness;

  @Option(
      names = "--idleness",
      converter = DurationConverter.class,
      defaultValue = Defaults.IDLENESS,
      paramLabel = "DURATION",
      description =
          "A Kafka partition silent this long no longer holds the others' event time back "
              + "(default: ${DEFAULT-VALUE}).")
  Duration idleness;

  @Option(
      names = "--follow-clock-after",
      converter = DurationConverter.class,
      defaultValue = Defaults.FOLLOW_CLOCK_AFTER,
      paramLabel = "DURATION",
      description =
          "Once every Kafka partition has been silent this long, event time follows the clock less "
              + "--out-of-orderness, so windows close on a quiet stream and after a restore; records "
              + "older than that arrive late. Raise it for a producer that sends in batches. With "
              + "--no-live a silent partition is only marked idle (default: ${DEFAULT-VALUE}).")
  Duration followClockAfter;

  @Option(
      names = "--dedup-horizon",
      converter = DurationConverter.class,
      defaultValue = PipelineSettings.DEFAULT_DEDUP_HORIZON,
      paramLabel = "DURATION",
      description =
          "How long (event time) an event id is remembered to drop its "
              + "duplicates (default: ${DEFAULT-VALUE}).")
  Duration dedupHorizon;

  @Option(
      names = "--future-margin",
      converter = DurationConverter.class,
      defaultValue = PipelineSettings.DEFAULT_FUTURE_MARGIN,
      paramLabel = "DURATION",
      description =
          "An event time further ahead of the clock than this is invalid, and never moves "
              + "event time (default: ${DEFAULT-VALUE}).")
  Duration futureMargin;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Stop after this much wall-clock time, e.g. 60s or 2h (default: run until Ctrl-C).")
  Duration duration;

  @Option(
      names = "--backfill",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How much of the recent past to simulate before continuing live (default: the history every "
              + "horizon and baseline needs, a day more than the baselines' min-weeks or the longest horizon: 22d with "
              + "the shipped rules).")
  Duration backfill;

  @Option(
      names = "--speed",
      defaultValue = "0",
      paramLabel = "X",
      description =
          "Back-fill at X times real time, e.g. 2880 (a day in 30 s); 0 is as fast as possible "
              + "(default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(
      names = "--live",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "After the back-fill, continue at real pace (default). --no-live ends the run when the "
              + "back-fill is done, or with --kafka when every record present at the start has been read.")
  boolean live;

  @Option(
      names = "--out",
      defaultValue = Defaults.OUT,
      paramLabel = "DIR",
      description = "Folder for line-protocol and dead-letter files (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--archive",
      paramLabel = "DIR",
      description =
          "Also archive every validated input record under DIR (Avro files per stream and UTC day, "
              + "committed on checkpoints), for 'replay'.")
  Path archive;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where checkpoints and savepoints are kept (default: OUT/state). A live run with --kafka resumes "
              + "from the newest one of its consumer group; a stop keeps its savepoint there.")
  Path stateDir;

  @Option(
      names = "--fresh",
      description = "Start with empty windows and baselines instead of resuming.")
  boolean fresh;

  @Mixin FlinkOptions flink;

  @Option(
      names = "--web-ui-port",
      defaultValue = "8081",
      paramLabel = "PORT",
      description =
          "Port of the Flink web UI, or the first free one after it; 0 for no web UI "
              + "(default: ${DEFAULT-VALUE}).")
  int webUiPort;

  @Option(
      names = "--web-ui-address",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description =
          "Where the web UI and Flink's REST API listen (default: ${DEFAULT-VALUE}, this machine only). "
              + "Anyone who reaches it can run code as this user: see docs/security.md before you widen it.")
  String webUiAddress;

  @Option(
      names = "--summary-every",
      converter = DurationConverter.class,
      defaultValue = "5s",
      paramLabel = "DURATION",
      description = "How often the console summary is printed (default: ${DEFAULT-VALUE}).")
  Duration summaryEvery;

  @Option(
      names = "--restart-attempts",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "A failed job restarts from its last checkpoint after 1 s, doubling up to a minute; after this "
              + "many failures in a row it stops for good (default: ${DEFAULT-VALUE}).")
  int restartAttempts;

  @Option(
      names = "--restart-reset-after",
      converter = DurationConverter.class,
      defaultValue = "10m",
      paramLabel = "DURATION",
      description =
          "A job that runs this long without failing starts its restart count "
              + "and delay afresh (default: ${DEFAULT-VALUE}).")
  Duration restartResetAfter;

  @Option(
      names = "--checkpoint-every",
      converter = DurationConverter.class,
      defaultValue = "10s",
      paramLabel = "DURATION",
      description =
          "Checkpoint interval; output files are committed on checkpoints "
              + "(default: ${DEFAULT-VALUE}).")
  Duration checkpointEvery;

  @Option(
      names = "--checkpoint-timeout",
      converter = DurationConverter.class,
      defaultValue = "10m",
      paramLabel = "DURATION",
      description =
          "A checkpoint not complete after this long counts as failed; failed checkpoints never "
              + "stop the job, which goes on from the next one (default: ${DEFAULT-VALUE}).")
  Duration checkpointTimeout;

  /** The configuration files a run reads, once. */
  private record Config(
      ReferenceData reference,
      SimulationConfig simulation,
      ZoneId zone,
      WindowSettings windows,
      AlertRules rules,
      AlertText alertText) {}

  /** The job's environment and what the steps after building it need to know about it. */
  private record Job(
      StreamExecutionEnvironment env,
      FlinkEnvironment.WebUi webUi,
      FlinkEnvironment.State state,
      boolean embedded,
      InfluxSettings influx,
      String group) {}

  /** The console board of the latest run; fed by the job's sinks on the embedded runtime only. */
  LiveSummary board;

  @Override
  public void run() {
    PrintWriter console = spec.commandLine().getOut();
    Config config = loadConfig();
    Instant started = Instant.now();
    String run = checkOptions(config);
    Job job = prepareJob(run, console);
    board = new LiveSummary();
    try (LocalHandle<LiveSummary> boardHandle = LocalHandle.register(board)) {
      OutputSinks.Builder outputs =
          OutputSinks.builder(config.reference(), config.alertText(), run, out)
              .influx(job.influx())
              .console(job.embedded() ? boardHandle : null)
              .archive(archive);
      Instant simulatedEnd = null;
      if (kafka.enabled()) {
        if (!buildFromKafka(job, config, outputs, run, started, console)) {
          return; // interrupted while checking the topics
        }
      } else {
        Instant present = buildFromSimulator(job.env(), config, outputs, console);
        simulatedEnd = live ? null : present;
      }
      execute(job, config, simulatedEnd, console);
    }
  }

  private Config loadConfig() {
    ReferenceData reference = simulation.reference();
    SimulationConfig config = simulation.simulation(reference);
    WindowSettings windows = WindowSettings.load(simulation.files());
    AlertRules alertRules = AlertRules.load(simulation.files(), reference, windows);
    return new Config(
        reference,
        config,
        ZoneId.of(config.timeZone()),
        windows,
        alertRules,
        new AlertText(reference, alertRules.zone()));
  }

  /**
   * Rejects options that contradict each other before anything starts; the run tag of every result.
   */
  private String checkOptions(Config config) {
    if (runId != null && !bounded()) {
      throw new ParameterException(
          spec.commandLine(),
          "--run-id is for --kafka --no-live runs: a live run is tagged " + InfluxSettings.LIVE);
    }
    String run = bounded() ? RunIds.notLive(spec, runId, "bounded") : InfluxSettings.LIVE;
    if (restartAttempts < 1) {
      throw new ParameterException(
          spec.commandLine(), "--restart-attempts must be at least 1, not " + restartAttempts);
    }
    requirePositive("--checkpoint-timeout", checkpointTimeout);
    requirePositive("--follow-clock-after", followClockAfter);
    Duration maxEventAge = maxEventAge(config);
    if (liveKafka()
        && maxEventAge.compareTo(config.windows().allowedLateness().plus(outOfOrderness)) <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--max-event-age "
              + DurationConverter.format(maxEventAge)
              + " must be more than allowed-lateness ("
              + DurationConverter.format(config.windows().allowedLateness())
              + ", windows.yaml) plus --out-of-orderness ("
              + DurationConverter.format(outOfOrderness)
              + "): events that may still correct a window would be set aside");
    }
    return run;
  }

  /**
   * InfluxDB checked, web UI port, consumer group, checkpoints: the Flink environment to build the
   * job in.
   */
  private void requirePositive(String option, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ParameterException(
          spec.commandLine(),
          option + " must be more than 0, not " + DurationConverter.format(value));
    }
  }

  private Job prepareJob(String run, PrintWriter console) {
    InfluxSettings influxSettings = influx.settings(run);
    if (influxSettings != null) {
      InfluxOptions.prepare(influxSettings, console);
    }
    FlinkEnvironment.WebUi webUi =
        webUiPort > 0
            ? FlinkEnvironment.WebUi.firstFree(webUiAddress, webUiPort)
            : new FlinkEnvironment.WebUi(webUiAddress, 0);
    String group =
        !kafka.enabled()
            ? null
            : groupId != null ? groupId : bounded() ? "demand-monitor-" + run : "demand-monitor";
    // The console board is fed in this JVM: on a cluster the sinks run in the task managers.
    boolean embedded = FlinkEnvironment.embedded();
    // On a cluster, its own configuration decides where checkpoints go and what a restart resumes.
    FlinkEnvironment.State state = embedded ? state(group, console) : null;
    StreamExecutionEnvironment env =
        FlinkEnvironment.create(
            webUi,
            flink.parallelism,
            new FlinkEnvironment.Checkpoints(checkpointEvery, checkpointTimeout),
            state,
            new FlinkEnvironment.Restarts(restartAttempts, restartResetAfter));
    return new Job(env, webUi, state, embedded, influxSettings, group);
  }

  /** The pipeline on the input topics; false if interrupted while checking them. */
  private boolean buildFromKafka(
      Job job,
      Config config,
      OutputSinks.Builder outputs,
      String run,
      Instant started,
      PrintWriter console) {
    KafkaSettings kafkaSettings =
        kafka.settings(
            job.group(),
            startFrom,
            deadLetterTopic,
            new SourceWatermarks(outOfOrderness, idleness, futureMargin, followClockAfter));
    console.printf(
        "Demand Monitor: reading %s%s%n",
        kafkaSettings, bounded() ? " up to the records present now, as run " + run : "");
    try {
      for (String created :
          KafkaPreflight.check(
              kafkaSettings.properties(),
              KafkaPublisher.inputTopics(config.reference()),
              createTopics,
              List.of(kafkaSettings.deadLetterTopic(), alertTopic, incidentTopic),
              flink.parallelism)) {
        console.printf("Created topic %s%n", created);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    outputs.topics(
        new OutputSinks.Topics(
            KafkaSinks.deadLetterSink(kafkaSettings),
            KafkaSinks.alertSink(kafkaSettings, alertTopic),
            KafkaSinks.incidentSink(kafkaSettings, incidentTopic)));
    if (!bounded()) {
      outputs.alertsPublishedFrom(started);
    }
    PipelineSinks sinks = outputs.build();
    // The end of input moves event time to the end of time: without the cut, every series would
    // write its fall to zero in windows up to a week ahead of now.
    DemandPipeline.build(
        KafkaIngest.sources(job.env(), config.reference(), kafkaSettings, bounded()),
        pipelineSettings(config),
        bounded() ? new ReplaySinks(sinks, Duration.ofMinutes(1), started, null) : sinks);
    return true;
  }

  /** The pipeline on the simulated stream; the simulated present, where the back-fill ends. */
  private Instant buildFromSimulator(
      StreamExecutionEnvironment env,
      Config config,
      OutputSinks.Builder outputs,
      PrintWriter console) {
    Instant now = Instant.now();
    Duration backfill =
        this.backfill != null ? this.backfill : historyNeeded(config.windows(), config.rules());
    DemandSimulator simulator = simulation.simulator(config.reference(), config.simulation(), now);
    SimulatedRun timeline =
        new SimulatedRun(
            now.minus(backfill), now, speed, live ? SimulatedRun.UNTIL_STOPPED : 0, outOfOrderness);
    DemandPipeline.build(
        SimulatorSource.create(env, simulator, timeline),
        pipelineSettings(config),
        outputs.build());
    console.printf(
        "Demand Monitor: simulating %s of back-fill%s (seed %d)%n",
        DurationConverter.format(backfill),
        live ? " then live demand" : "",
        config.simulation().seed());
    for (Surge surge : simulator.surges()) {
      console.printf(
          "  scenario %s: %s x%.1f in %s, %s to %s%n",
          surge.name(),
          surge.service(),
          surge.size(),
          String.join(",", surge.districts()),
          SCENARIO_TIME.format(surge.start().atZone(config.zone())),
          SCENARIO_TIME.format(surge.end().atZone(config.zone())));
    }
    return now;
  }

  /**
   * The simulator makes its events from the back-fill range: none arrive from further back; a
   * bounded run reads the topics' history on purpose, as a replay does.
   */
  private PipelineSettings pipelineSettings(Config config) {
    return new PipelineSettings(
        config.reference(),
        config.windows(),
        config.rules(),
        futureMargin,
        dedupHorizon,
        liveKafka() ? maxEventAge(config) : null,
        null,
        null);
  }

  /**
   * Starts the job and the console, waits for Ctrl-C, --duration or the job's end, stops it with a
   * savepoint if it is still running, and reports.
   *
   * @param simulatedEnd where a bounded simulation's input ends, else null
   */
  private void execute(Job job, Config config, Instant simulatedEnd, PrintWriter console) {
    if (simulatedEnd != null) {
      board.inputEndsAt(simulatedEnd.toEpochMilli());
    }
    ScheduledExecutorService printer = ConsoleTimer.create("console-summary");
    JobFailures failures =
        job.embedded()
            ? JobFailures.follow(
                line -> {
                  console.println(line);
                  console.flush();
                })
            : null;
    try {
      JobClient client = start(job, console);
      ConsoleAlerts consoleAlerts = new ConsoleAlerts(config.alertText());
      printer.scheduleAtFixedRate(
          refresh(config, consoleAlerts, job.embedded(), console),
          summaryEvery.toMillis(),
          summaryEvery.toMillis(),
          TimeUnit.MILLISECONDS);
      CompletableFuture<JobExecutionResult> end = client.getJobExecutionResult();
      awaitStopOrEnd(end, printer);
      boolean stopped = !end.isDone();
      if (stopped) {
        stopWithSavepoint(client, job.state(), console);
      }
      awaitResult(end, failures);
      printer.shutdownNow();
      report(stopped, job, config, consoleAlerts, console);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    } finally {
      printer.shutdownNow();
      if (failures != null) {
        failures.close();
      }
    }
  }

  private JobClient start(Job job, PrintWriter console) throws Exception {
    JobClient client = job.env().executeAsync("demand-monitor");
    console.printf(
        "Flink job %s started%s. Ctrl-C stops it cleanly.%n",
        client.getJobID(),
        job.webUi().port() > 0 && job.embedded() ? "; web UI on " + job.webUi().url() : "");
    console.flush();
    if (!job.embedded()) {
      console.println(
          "Running on a Flink cluster: follow the job in the cluster's web UI; output goes to "
              + out);
    }
    return client;
  }

  /**
   * One refresh of the console: printed only when something changed, so a quiet night is a quiet
   * console.
   */
  private Runnable refresh(
      Config config, ConsoleAlerts consoleAlerts, boolean embedded, PrintWriter console) {
    String[] lastPrinted = {""};
    // Caught up: the watermark is no further behind the clock than the sources hold it back.
    Duration caughtUpWithin = outOfOrderness.plus(followClockAfter).plusMinutes(5);
    ZoneId zone = config.zone();
    LiveSummary summary = board;
    return () -> {
      boolean catchingUp =
          summary.completeUpTo() < System.currentTimeMillis() - caughtUpWithin.toMillis();
      consoleAlerts
          .lines(summary.newAlerts(), summary.newIncidents(), catchingUp && live)
          .forEach(console::println);
      console.flush();
      String board =
          catchingUp
              ? summary.catchingUp(zone)
              : summary.render(config.reference(), zone, null); // no clock
      if (embedded && !board.equals(lastPrinted[0])) {
        lastPrinted[0] = board;
        console.print(catchingUp ? board : summary.render(config.reference(), zone, Instant.now()));
        console.flush();
      }
    };
  }

  /** Waits for Ctrl-C, a TERM, --duration or the job's own end, whichever comes first. */
  private void awaitStopOrEnd(
      CompletableFuture<JobExecutionResult> end, ScheduledExecutorService timer)
      throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    // Ctrl-C, and the TERM of docker stop, systemd or Kubernetes: both stop with a savepoint.
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    if (duration != null) {
      timer.schedule(stop::countDown, duration.toMillis(), TimeUnit.MILLISECONDS);
    }
    end.whenComplete((result, failure) -> stop.countDown());
    stop.await();
  }

  private void stopWithSavepoint(
      JobClient client, FlinkEnvironment.State state, PrintWriter console)
      throws InterruptedException, ExecutionException {
    console.println("Stopping: taking a savepoint so every output file is committed...");
    console.flush();
    // No drain: draining would advance event time to the end of time and write every series'
    // fall to zero in windows that have not happened. Open windows keep their provisional values.
    String savepoint =
        client
            .stopWithSavepoint(
                false,
                state == null
                    ? null
                    : state.checkpoints().resolveSibling("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL)
            .get();
    console.println(
        "Savepoint "
            + savepoint
            + (liveKafka() ? ": the next run of this group resumes from it" : ""));
  }

  /** Waits for the job's result; a failure becomes one line with the restarts it took. */
  private static void awaitResult(CompletableFuture<JobExecutionResult> end, JobFailures failures)
      throws InterruptedException {
    try {
      end.get();
    } catch (ExecutionException e) {
      int restarts = failures == null ? 0 : failures.restarts();
      throw new IllegalStateException(
          "the Flink job has stopped"
              + (restarts > 0
                  ? " after " + restarts + (restarts == 1 ? " restart" : " restarts")
                  : "")
              + ": "
              + JobFailures.describe(e),
          e.getCause());
    }
  }

  private void report(
      boolean stopped, Job job, Config config, ConsoleAlerts consoleAlerts, PrintWriter console) {
    console.println();
    console.println("Final summary (" + (stopped ? "stopped" : "finished") + "):");
    if (job.embedded()) {
      consoleAlerts.lines(board.newAlerts(), board.newIncidents(), false).forEach(console::println);
      console.print(board.render(config.reference(), config.zone(), Instant.now()));
    }
    console.printf(
        "Demand: %s%s%n",
        job.influx() != null ? job.influx() : out.resolve("demand").toAbsolutePath(),
        kafka.enabled() ? "" : "   dead letters: " + out.resolve("dead-letters").toAbsolutePath());
    console.flush();
  }

  /** A run that ends when it has read the topics' records present at its start. */
  private boolean bounded() {
    return kafka.enabled() && !live;
  }

  /** A run that follows the topics, resuming where the last run of its group stopped. */
  private boolean liveKafka() {
    return kafka.enabled() && live;
  }

  private Duration maxEventAge(Config config) {
    return maxEventAge != null ? maxEventAge : historyKept(config.windows(), config.rules());
  }

  /**
   * Checkpoints under the state folder. A live Kafka run keeps them per consumer group (each group
   * has its own offsets) and resumes from the newest checkpoint or savepoint there unless --fresh.
   * The simulator and bounded runs start afresh: the simulated stream is generated from the clock
   * at start, and a bounded run's Kafka splits end where its first start found the topics.
   */
  private FlinkEnvironment.State state(String group, PrintWriter console) {
    boolean resumable = liveKafka();
    String pipeline = !kafka.enabled() ? "simulator" : live ? "kafka-" + group : "kafka-bounded";
    Path dir =
        (stateDir != null ? stateDir : out.resolve("state")).resolve(pipeline).toAbsolutePath();
    Path resumeFrom = null;
    try {
      if (!resumable) {
        deleteRecursively(dir); // never resumed
      } else if (!fresh) {
        resumeFrom = FlinkEnvironment.newestSnapshot(dir).orElse(null);
      }
    } catch (java.io.IOException e) {
      throw new ConfigException("--state-dir: " + dir + ": " + e.getMessage());
    }
    console.println(
        resumeFrom != null
            ? "Resuming from " + resumeFrom + " (--fresh starts over)"
            : resumable
                ? "Starting with empty state; checkpoints go to " + dir
                : "Checkpoints go to " + dir);
    return new FlinkEnvironment.State(dir.resolve("checkpoints"), resumeFrom);
  }

  /**
   * The back-fill of the default run: a day more than the longest horizon or the most history a
   * baseline needs before it expects anything (min-weeks), so every horizon is full and every
   * baseline has an expectation throughout the first day.
   */
  static Duration historyNeeded(WindowSettings windows, AlertRules rules) {
    return longestHistory(windows, rules, AlertRules.Baseline::minWeeks).plusDays(1);
  }

  /**
   * How far back a rebuild from the topics must read, and so the default maximum event age: the
   * longest horizon or the longest history a baseline keeps (weeks), plus the allowed lateness.
   */
  static Duration historyKept(WindowSettings windows, AlertRules rules) {
    return longestHistory(windows, rules, AlertRules.Baseline::weeks)
        .plus(windows.allowedLateness());
  }

  /** The longest horizon, or the longest baseline history by {@code weeks}, whichever is longer. */
  private static Duration longestHistory(
      WindowSettings windows,
      AlertRules rules,
      java.util.function.ToIntFunction<AlertRules.Baseline> weeks) {
    Duration horizon =
        windows.horizons().stream()
            .map(WindowSettings.Horizon::size)
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    Duration baseline =
        Duration.ofDays(7L * rules.baselines().stream().mapToInt(weeks).max().orElse(0));
    return baseline.compareTo(horizon) > 0 ? baseline : horizon;
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
