package io.demandmonitor.sink;

import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.alerting.CatchUpGate;
import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.model.ArchivedEvent;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.pipeline.PipelineSinks;
import io.demandmonitor.schema.DeadLetter;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Where the job's outputs go. Demand, expected demand, alerts, incidents and pipeline health go to
 * InfluxDB when it is configured; otherwise demand, expected demand, alerts and incidents are
 * written as line-protocol files under {@code out/demand}, {@code out/expected}, {@code out/alerts}
 * and {@code out/incidents}, committed on each checkpoint, so the embedded run needs no server.
 * When reading Kafka, dead letters go to the dead-letter topic (else to JSON-lines files under
 * {@code out/dead-letters}), alerts and incidents to their topics too. The console board is fed
 * only in the embedded run.
 */
public final class OutputSinks implements PipelineSinks {

  /** The Kafka topics results go to when the job reads Kafka. */
  public record Topics(
      Sink<DeadLetter> deadLetters, Sink<SurgeAlert> alerts, Sink<SurgeIncident> incidents) {}

  private final ReferenceData reference;
  private final Path outDir;
  private final LineProtocol lineProtocol;
  private final ChangeLines<SurgeAlert> alertLines;
  private final ChangeLines<SurgeIncident> incidentLines;
  private final InfluxSettings influx;
  private final Topics topics;
  private final LocalHandle<LiveSummary> console;
  private final Path archive;
  private final Instant publishAlertsFrom;

  /**
   * Outputs as line-protocol and dead-letter files under {@code outDir}, until the builder says
   * otherwise.
   *
   * @param run the run tag of every point: live, or a replay's run id
   */
  public static Builder builder(
      ReferenceData reference, AlertText alertText, String run, Path outDir) {
    return new Builder(reference, alertText, run, outDir);
  }

  /** Names what a job's outputs are; each setting is optional. */
  public static final class Builder {
    private final ReferenceData reference;
    private final AlertText alertText;
    private final String run;
    private final Path outDir;
    private InfluxSettings influx;
    private Topics topics;
    private LocalHandle<LiveSummary> console;
    private Path archive;
    private Instant publishAlertsFrom;

    private Builder(ReferenceData reference, AlertText alertText, String run, Path outDir) {
      this.reference = reference;
      this.alertText = alertText;
      this.run = run;
      this.outDir = outDir;
    }

    /**
     * Demand, health, alerts and incidents to this InfluxDB (same run) instead of files; null keeps
     * files.
     */
    public Builder influx(InfluxSettings settings) {
      this.influx = settings;
      return this;
    }

    /** Dead letters to a topic instead of files; alerts and incidents to topics besides. */
    public Builder topics(Topics kafkaTopics) {
      this.topics = kafkaTopics;
      return this;
    }

    /** The embedded run's console board to feed; null for none (on a cluster). */
    public Builder console(LocalHandle<LiveSummary> board) {
      this.console = board;
      return this;
    }

    /**
     * Also archive every validated record under {@code dir} ({@link ArchiveSink}); null for no
     * archive.
     */
    public Builder archive(Path dir) {
      this.archive = dir;
      return this;
    }

    /**
     * Alert and incident changes dated before {@code start} go to InfluxDB and files (they
     * overwrite themselves) but not to their topics or the console, except the newest change of an
     * episode or incident still open at the start ({@link CatchUpGate}): a job catching up on
     * history does not announce the past.
     */
    public Builder alertsPublishedFrom(Instant start) {
      this.publishAlertsFrom = start;
      return this;
    }

    public OutputSinks build() {
      if (influx != null && !influx.run().equals(run)) {
        throw new IllegalArgumentException(
            "run " + run + " but InfluxDB settings for run " + influx.run());
      }
      return new OutputSinks(this);
    }
  }

  private OutputSinks(Builder b) {
    this.reference = b.reference;
    this.outDir = b.outDir;
    this.lineProtocol = new LineProtocol(b.reference, b.run);
    this.alertLines = ChangeLines.alerts(b.reference, b.alertText, b.run);
    this.incidentLines = ChangeLines.incidents(b.reference, b.alertText, b.run);
    this.influx = b.influx;
    this.topics = b.topics;
    this.console = b.console;
    this.archive = b.archive;
    this.publishAlertsFrom = b.publishAlertsFrom;
  }

  @Override
  public void demand(DataStream<RollingValue> rolling) {
    LineProtocol points = lineProtocol;
    if (influx != null) {
      rolling
          .sinkTo(new InfluxSink<>(influx, "demand", (v, now, out) -> points.lines(v, out)))
          .name("influx-demand")
          .uid("influx-demand");
    } else {
      rolling
          .flatMap(
              (RollingValue v, org.apache.flink.util.Collector<String> out) ->
                  points.lines(v, out::collect))
          .returns(String.class)
          .name("demand-line-protocol")
          .sinkTo(files("demand", ".lp"))
          .name("demand-files")
          .uid("demand-files");
    }
    if (console != null) {
      LocalHandle<LiveSummary> board = console;
      rolling
          .filter(v -> SeriesEvent.COUNTY.equals(v.area) && v.category.isEmpty())
          .name("county-totals")
          .sinkTo(
              new CallbackSink<>(
                  v -> board.get().recordDemand(v), w -> board.get().recordWatermark(w)))
          .name("console-demand")
          .setParallelism(1);
    }
  }

  @Override
  public void expected(DataStream<ExpectedDemand> expected) {
    LineProtocol points = lineProtocol;
    if (influx != null) {
      expected
          .sinkTo(new InfluxSink<>(influx, "expected", (e, now, out) -> out.accept(points.line(e))))
          .name("influx-expected")
          .uid("influx-expected");
    } else {
      expected
          .map(points::line)
          .name("expected-line-protocol")
          .sinkTo(files("expected", ".lp"))
          .name("expected-files")
          .uid("expected-files");
    }
  }

  @Override
  public boolean archives() {
    return archive != null;
  }

  @Override
  public void archive(DataStream<ArchivedEvent> validated) {
    validated
        .sinkTo(ArchiveSink.create(archive, reference))
        .name("archive-files")
        .uid("archive-files");
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    if (topics != null) {
      deadLetters.sinkTo(topics.deadLetters()).name("dead-letter-topic").uid("dead-letter-topic");
      return;
    }
    deadLetters
        .map(DeadLetter::toString)
        .name("dead-letter-json")
        .sinkTo(files("dead-letters", ".jsonl"))
        .name("dead-letter-files")
        .uid("dead-letter-files");
  }

  @Override
  public void health(DataStream<HealthEvent> health) {
    if (influx != null) { // one writer, so each 10 s point counts the whole job
      health
          .sinkTo(new InfluxSink<>(influx, "health", new HealthLines(influx.run())))
          .name("influx-health")
          .uid("influx-health")
          .setParallelism(1);
    }
    if (console != null) {
      LocalHandle<LiveSummary> board = console;
      health
          .sinkTo(new CallbackSink<>(event -> board.get().recordHealth(event)))
          .name("console-health")
          .setParallelism(1);
    }
  }

  @Override
  public void alerts(DataStream<SurgeAlert> alerts) {
    ChangeLines<SurgeAlert> points = alertLines;
    if (influx != null) {
      alerts
          .sinkTo(new InfluxSink<>(influx, "alerts", points))
          .name("influx-alerts")
          .uid("influx-alerts");
    } else {
      alerts
          // Not points::line: javac deserializes two method references that differ only in
          // their type arguments as the same one, and incidents would be cast to alerts.
          .map(alert -> points.line(alert))
          .name("alert-line-protocol")
          .sinkTo(files("alerts", ".lp"))
          .name("alert-files")
          .uid("alert-files");
    }
    DataStream<SurgeAlert> news =
        publishAlertsFrom == null
            ? alerts
            : alerts
                .keyBy(SurgeAlert::getAlertId)
                .process(CatchUpGate.alerts(publishAlertsFrom.toEpochMilli()))
                .name("catch-up-gate")
                .uid("catch-up-gate");
    if (topics != null) {
      news.sinkTo(topics.alerts()).name("alert-topic").uid("alert-topic");
    }
    if (console != null) {
      LocalHandle<LiveSummary> board = console;
      news.sinkTo(new CallbackSink<>(alert -> board.get().recordAlert(alert)))
          .name("console-alerts")
          .setParallelism(1);
    }
  }

  @Override
  public void incidents(DataStream<SurgeIncident> incidents) {
    ChangeLines<SurgeIncident> points = incidentLines;
    if (influx != null) {
      incidents
          .sinkTo(new InfluxSink<>(influx, "incidents", points))
          .name("influx-incidents")
          .uid("influx-incidents");
    } else {
      incidents
          .map(incident -> points.line(incident))
          .name("incident-line-protocol")
          .sinkTo(files("incidents", ".lp"))
          .name("incident-files")
          .uid("incident-files");
    }
    DataStream<SurgeIncident> news =
        publishAlertsFrom == null
            ? incidents
            : incidents
                .keyBy(SurgeIncident::getIncidentId)
                .process(CatchUpGate.incidents(publishAlertsFrom.toEpochMilli()))
                .name("incident-catch-up-gate")
                .uid("incident-catch-up-gate");
    if (topics != null) {
      news.sinkTo(topics.incidents()).name("incident-topic").uid("incident-topic");
    }
    if (console != null) {
      LocalHandle<LiveSummary> board = console;
      news.sinkTo(new CallbackSink<>(incident -> board.get().recordIncident(incident)))
          .name("console-incidents")
          .setParallelism(1);
    }
  }

  private FileSink<String> files(String folder, String suffix) {
    return FileSink.forRowFormat(
            new org.apache.flink.core.fs.Path(outDir.resolve(folder).toAbsolutePath().toUri()),
            new SimpleStringEncoder<String>())
        .withBucketAssigner(new BasePathBucketAssigner<>())
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .withOutputFileConfig(
            OutputFileConfig.builder().withPartPrefix(folder).withPartSuffix(suffix).build())
        .build();
  }
}
