package io.demandmonitor.cli;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.InvalidRecordException;
import io.demandmonitor.ingest.Normaliser;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.model.Archive;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.KafkaPublisher;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.Surge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demand-monitor simulate}: the simulator's streams for a time range, summarised or
 * archived.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Generates the simulated demand streams for a time range (as fast as possible) and reports what was "
          + "generated per stream. With --out, writes them as Avro container files, one per stream and day (UTC): "
          + "DIR/<topic>/<yyyy-MM-dd>.avro, readable by ordinary Avro tools and by replay. With --kafka, publishes them to "
          + "the four input topics (creating missing ones), malformed records included; --follow then goes on "
          + "publishing at real pace until Ctrl-C."
    })
public final class SimulateCommand implements Runnable {

  @Spec CommandSpec spec;

  @Mixin SimulationOptions simulation;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of topics it creates (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--follow",
      description = "With --kafka: after --to, keep publishing at real pace until stopped.")
  boolean follow;

  @Option(
      names = "--from",
      defaultValue = "-7d",
      paramLabel = "TIME",
      description =
          "Start: an instant (2026-03-02T00:00:00Z), 'now', or an offset from now (default: ${DEFAULT-VALUE}).")
  String from;

  @Option(
      names = "--to",
      defaultValue = "now",
      paramLabel = "TIME",
      description = "End, as --from (default: ${DEFAULT-VALUE}).")
  String to;

  @Option(names = "--out", paramLabel = "DIR", description = "Write an Avro archive here.")
  Path out;

  @Override
  public void run() {
    PrintWriter console = spec.commandLine().getOut();
    ReferenceData reference = simulation.reference();
    SimulationConfig config = simulation.simulation(reference);
    Instant now = Instant.now();
    Instant start = Surge.parseTime(from, now);
    Instant end = Surge.parseTime(to, now);
    if (!end.isAfter(start)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--to (" + end + ") must be after --from (" + start + ")");
    }
    DemandSimulator simulator = simulation.simulator(reference, config, now);
    if (follow && (!kafka.enabled() || end.isBefore(now.minusSeconds(60)))) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--follow needs --kafka and a --to of now (it continues from there at real pace)");
    }
    Map<String, Counts> counts = new LinkedHashMap<>();
    reference.services().forEach(s -> counts.put(s.topic(), new Counts()));
    KafkaPublisher publisher = kafka.enabled() ? publisher(reference, console) : null;
    try (Archive.Writer archive = out == null ? null : new Archive.Writer(out)) {
      Normaliser validation =
          new Normaliser(reference, Defaults.duration(PipelineSettings.DEFAULT_FUTURE_MARGIN));
      generate(
          simulator,
          start,
          end,
          ZoneId.of(config.timeZone()),
          new Outlets(reference, validation, publisher, archive, counts),
          console);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the archive under " + out, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (publisher != null) {
        publisher.close();
      }
    }
    report(start, end, config.seed(), counts, publisher, console);
  }

  /** Records generated and, when archiving, set aside as invalid, of one topic. */
  private static final class Counts {
    long records;
    long invalid;
  }

  /**
   * Where the records go: Kafka, and the archive, which holds validated events as the live job's
   * does.
   */
  private record Outlets(
      ReferenceData reference,
      Normaliser validation,
      KafkaPublisher publisher,
      Archive.Writer archive,
      Map<String, Counts> counts) {

    void send(RawRecord raw, long slotEnd) throws IOException {
      Counts c = counts.get(raw.source);
      c.records++;
      if (publisher != null) {
        publisher.send(raw);
      }
      if (archive != null) {
        Service service = reference.serviceForTopic(raw.source);
        try {
          validation.normalise(raw, slotEnd);
          archive.write(raw.source, Feed.forService(service.id()).decode(raw.value));
        } catch (InvalidRecordException e) {
          c.invalid++;
        }
      }
    }
  }

  /** The slots from start to end (with --follow, on at real pace), one line per day simulated. */
  private void generate(
      DemandSimulator simulator,
      Instant start,
      Instant end,
      ZoneId zone,
      Outlets outlets,
      PrintWriter console)
      throws IOException, InterruptedException {
    long lastSlot = simulator.slotOf(end);
    LocalDate reported = null;
    for (long slot = simulator.slotOf(start); slot < lastSlot || follow; slot++) {
      if (slot >= lastSlot) {
        waitUntil(
            (slot + 1) * simulator.slotMillis()); // real pace: a slot is sent once it has ended
      }
      for (RawRecord raw : simulator.slot(slot)) {
        outlets.send(raw, (slot + 1) * simulator.slotMillis());
      }
      LocalDate day =
          Instant.ofEpochMilli(slot * simulator.slotMillis()).atZone(zone).toLocalDate();
      if (!day.equals(reported)) {
        reported = day;
        console.printf("  simulating %s ...%n", day);
        console.flush();
      }
    }
  }

  private void report(
      Instant start,
      Instant end,
      long seed,
      Map<String, Counts> counts,
      KafkaPublisher publisher,
      PrintWriter console) {
    console.printf("Simulated %s to %s (seed %d):%n", start, end, seed);
    counts.forEach(
        (topic, c) ->
            console.printf(
                "  %-24s %9d records%s%n",
                topic,
                c.records,
                out == null
                    ? ""
                    : c.invalid == 0 ? "" : " (" + c.invalid + " invalid, not archived)"));
    if (out != null) {
      console.printf("Archive: %s%n", out.toAbsolutePath());
    }
    if (publisher != null) {
      console.printf("Published to Kafka at %s: %s%n", kafka.bootstrapServers, publisher.sent());
    }
    console.flush();
  }

  private KafkaPublisher publisher(ReferenceData reference, PrintWriter console) {
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    props.put("bootstrap.servers", kafka.bootstrapServers);
    try {
      List<String> created =
          KafkaPublisher.createTopics(props, KafkaPublisher.inputTopics(reference), partitions);
      if (!created.isEmpty()) {
        console.printf("Created topics %s (%d partitions)%n", created, partitions);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    KafkaPublisher publisher = new KafkaPublisher(props);
    if (follow) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    publisher.close();
                    console.printf(
                        "Published to Kafka at %s: %s%n", kafka.bootstrapServers, publisher.sent());
                    console.flush();
                  }));
    }
    return publisher;
  }

  private static void waitUntil(long epochMillis) throws InterruptedException {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}
