package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.schema.Channel;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of {@code run --kafka} mid-stream, as in a crash: the next start of the same
 * consumer group resumes from the newest retained checkpoint, with its windows and alert episodes;
 * a TERM stops it with a savepoint, from which the start after resumes. Every final demand value
 * and every alert change in InfluxDB then equals a clean run's over the same records.
 */
class CrashResumeTest {

  private static final List<String> MEASUREMENTS =
      List.of("demand", "demand_by_category", "service_measures");

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  private Path config = TestConfig.CONFIG_DIR;

  /**
   * How long every partition is silent before event time follows the clock. The first case writes
   * its history in batches, hours behind the clock: a run that drains one batch must not take the
   * gap for a quiet stream, or the next batch would all be late (as it would be in production from
   * a producer that sends in batches).
   */
  private String followClockAfter = "1m";

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aKilledRunResumesWithItsWindowsAndWritesWhatACleanRunWrites() throws Exception {
    config = withoutLateArrivals(withoutProvisionalValues());
    followClockAfter = "2h";
    InfluxSettings crashed = InfluxServer.shared().newDatabase("crashed");
    InfluxSettings clean = InfluxServer.shared().newDatabase("clean");
    long upTo;
    try (KafkaBroker kafka = KafkaBroker.start()) {
      String broker = kafka.bootstrapServers();
      cli("simulate", "--from", "-14h", "--to", "-8h", "--kafka", broker);
      Path out = dir.resolve("crashed");
      // Killed once offsets are committed: a restart without its state would go on from them with
      // empty windows.
      killOnce(
          start("first", broker, "crashing", out, crashed),
          () ->
              hasCheckpoint(out.resolve("state/kafka-crashing/checkpoints"))
                  && newestFinal(crashed) > 0
                  && hasCommittedOffsets(kafka, "crashing"),
          "a checkpoint, committed offsets and demand");

      cli("simulate", "--from", "-8h", "--to", "-5h", "--kafka", broker);
      Process resumed = start("resumed", broker, "crashing", out, crashed);
      try {
        long caughtUp = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(330);
        waitFor(() -> newestFinal(crashed) >= caughtUp, resumed, "the resumed run to catch up");
      } finally {
        resumed
            .destroy(); // SIGTERM, as docker stop or Kubernetes send: a clean stop with a savepoint
        assertThat(resumed.waitFor(2, TimeUnit.MINUTES))
            .as("the resumed run stops on TERM")
            .isTrue();
      }

      cli("simulate", "--from", "-5h", "--to", "-2h", "--kafka", broker);
      // Final values up to here come from events read by all three processes.
      upTo = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(150);
      catchUpSideBySide(
          start("restarted", broker, "crashing", out, crashed),
          crashed,
          start("clean", broker, "clean", dir.resolve("clean"), clean),
          clean,
          upTo);
    }
    assertSamePoints(crashed, clean, upTo);
    Set<String> cleanAlerts = rows(clean, "alerts", upTo);
    assertThat(cleanAlerts)
        .as("alert changes of the clean run (the default surge is in the second half)")
        .isNotEmpty();
    assertThat(rows(crashed, "alerts", upTo)).containsExactlyInAnyOrderElementsOf(cleanAlerts);
    Path state = dir.resolve("crashed/state/kafka-crashing").toAbsolutePath();
    assertThat(Files.readString(dir.resolve("resumed.log")))
        .contains(
            "Resuming from " + state.resolve("checkpoints"),
            "Savepoint file:" + state.resolve("savepoints"));
    assertThat(Files.readString(dir.resolve("restarted.log")))
        .contains("Resuming from " + state.resolve("savepoints"));
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aStopKeepsItsSavepointAndTheNextStartResumesFromItUnlessFresh() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      String broker = kafka.bootstrapServers();
      cli("simulate", "--from", "-2h", "--to", "-1h", "--kafka", broker);
      Path out = dir.resolve("out");
      String[] run = {
        "run",
        "--kafka",
        broker,
        "--group-id",
        "stopping",
        "--duration",
        "10s",
        "--web-ui-port",
        "0",
        "--out",
        out.toString()
      };
      String first = cli(run);
      Path savepoints = out.resolve("state/kafka-stopping/savepoints").toAbsolutePath();
      assertThat(first).contains("Starting with empty state", "Savepoint file:" + savepoints);
      assertThat(cli(run)).contains("Resuming from " + savepoints.resolve(""));
      String[] fresh = java.util.Arrays.copyOf(run, run.length + 1);
      fresh[run.length] = "--fresh";
      assertThat(cli(fresh)).contains("Starting with empty state").doesNotContain("Resuming");
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void restoredOnAQuietStreamItsWindowsCloseAsACleanRunsDo() throws Exception {
    config = withoutProvisionalValues();
    InfluxSettings resumedDb = InfluxServer.shared().newDatabase("quiet");
    InfluxSettings clean = InfluxServer.shared().newDatabase("quiet_clean");
    long upTo;
    try (KafkaBroker kafka = KafkaBroker.start()) {
      String broker = kafka.bootstrapServers();
      cli("simulate", "--from", "-3h", "--to", "-10m", "--kafka", broker);
      Path out = dir.resolve("quiet");
      killOnce(
          start("quiet-first", broker, "quiet", out, resumedDb),
          () ->
              hasCheckpoint(out.resolve("state/kafka-quiet/checkpoints"))
                  && everyRecordCommitted(kafka, "quiet"),
          "every record read and its offset committed");
      // Nothing more arrives: after the restore, only the clock can move event time (Flink
      // restores no watermark). The clean run reads the same records from the start.
      upTo = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(3);
      catchUpSideBySide(
          start("quiet-resumed", broker, "quiet", out, resumedDb),
          resumedDb,
          start("quiet-clean", broker, "quiet-clean", dir.resolve("qc"), clean),
          clean,
          upTo);
    }
    assertThat(Files.readString(dir.resolve("quiet-resumed.log"))).contains("Resuming from");
    assertSamePoints(resumedDb, clean, upTo);
    assertThat(rows(resumedDb, "alerts", upTo))
        .containsExactlyInAnyOrderElementsOf(rows(clean, "alerts", upTo));
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aRecordStampedAheadOfTheClockClosesNoWindowEarly() throws Exception {
    InfluxSettings influx = InfluxServer.shared().newDatabase("future");
    long readFrom;
    try (KafkaBroker kafka = KafkaBroker.start()) {
      String broker = kafka.bootstrapServers();
      cli("simulate", "--from", "-2h", "--to", "-5m", "--kafka", broker);
      // A producer whose clock is 30 minutes ahead: payload and Kafka timestamp both.
      long ahead = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
      HelplineCall call =
          new HelplineCall(
              "wrong-clock-1",
              Instant.ofEpochMilli(ahead),
              "STEVENAGE",
              Channel.PHONE,
              "FOOD",
              10,
              60,
              false);
      kafka.produce(
          List.of(
              new ProducerRecord<>(
                  "helpline-calls", 0, ahead, null, Feed.HELPLINE_CALLS.encode(call))));
      readFrom = System.currentTimeMillis();
      Process run = start("future", broker, "future", dir.resolve("future"), influx);
      try {
        waitFor(() -> deadLetters(influx) >= 1, run, "the record stamped ahead to be set aside");
        long caughtUp = readFrom - TimeUnit.MINUTES.toMillis(3);
        waitFor(() -> newestFinal(influx) >= caughtUp, run, "the windows to close by the clock");
        assertThat(Instant.ofEpochMilli(newestFinalEver(influx)))
            .as("no window is final before its end has passed")
            .isBefore(Instant.now());
      } finally {
        run.destroyForcibly().waitFor();
      }
    }
  }

  private Path withoutProvisionalValues() {
    // Without provisional values, alerts are decided by final values alone: the same in both runs
    // whatever the processing clock did.
    return TestConfig.copyWith(
        dir.resolve("config"), "windows.yaml", "provisional-every: 1s", "provisional-every: 0s");
  }

  /**
   * Without the simulator's late arrivals (10 min to 6 h late): a batch written after a run closed
   * its windows brings events for them, which correct the final values but not the alerts already
   * assessed, while a clean run reading all batches at once may count them on time. Alerts then
   * differ by how far each run had read, not by the crash.
   */
  private static Path withoutLateArrivals(Path config) throws IOException {
    Path simulation = config.resolve("simulation.yaml");
    String text = Files.readString(simulation);
    assertThat(text).contains("late-rate: 0.005");
    Files.writeString(simulation, text.replace("late-rate: 0.005", "late-rate: 0.0"));
    return config;
  }

  /** Whether the group has committed, on every input partition, the end of the partition. */
  private static boolean everyRecordCommitted(KafkaBroker kafka, String group) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (String topic :
          List.of("care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events")) {
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .forEach(
                p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      }
      var ends = admin.listOffsets(latest).all().get();
      return ends.entrySet().stream()
          .allMatch(
              e ->
                  e.getValue().offset() == 0
                      || (committed.get(e.getKey()) != null
                          && committed.get(e.getKey()).offset() >= e.getValue().offset()));
    }
  }

  /** The end of the newest final demand window written, however far ahead of the clock. */
  private static long newestFinalEver(InfluxSettings influx) throws IOException {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      return connection
          .select(
              "SELECT last(\"count\") FROM demand WHERE provisional = false AND time < now() + 1d")
          .stream()
          .mapToLong(row -> ((Number) row.get("time")).longValue())
          .max()
          .orElse(0);
    }
  }

  private static long deadLetters(InfluxSettings influx) throws IOException {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      return connection.select("SELECT sum(\"dead_letters\") FROM pipeline_health").stream()
          .mapToLong(row -> ((Number) row.get("sum")).longValue())
          .sum();
    }
  }

  /** Every final demand point up to {@code upTo} of a resumed run equals the clean run's. */
  private static void assertSamePoints(InfluxSettings crashed, InfluxSettings clean, long upTo)
      throws IOException {
    for (String measurement : MEASUREMENTS) {
      Map<String, String> expected = points(clean, measurement, upTo);
      assertThat(expected).as(measurement).hasSizeGreaterThan(100);
      Map<String, String> actual = points(crashed, measurement, upTo);
      Map<String, String> different = new TreeMap<>();
      expected.forEach(
          (k, v) -> {
            if (!v.equals(actual.get(k))) {
              different.put(k, actual.get(k) + " resumed, " + v + " clean");
            }
          });
      actual.keySet().stream()
          .filter(k -> !expected.containsKey(k))
          .forEach(k -> different.put(k, "only resumed"));
      assertThat(different)
          .as(
              measurement
                  + ": points of the resumed run that differ from the clean run's; set aside: "
                  + setAside(crashed)
                  + " resumed, "
                  + setAside(clean)
                  + " clean; "
                  + districts(crashed, different)
                  + " / "
                  + districts(clean, different))
          .isEmpty();
    }
  }

  private Process start(String name, String broker, String group, Path out, InfluxSettings influx)
      throws IOException {
    Path log = dir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(
                javaCommand(
                    "run",
                    "--kafka",
                    broker,
                    "--group-id",
                    group,
                    "--checkpoint-every",
                    "1s",
                    "--follow-clock-after",
                    followClockAfter,
                    "--web-ui-port",
                    "0",
                    "--out",
                    out.toString(),
                    "--influx-url",
                    influx.url(),
                    "--influx-database",
                    influx.database()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    logs.put(process, log);
    return process;
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Waits until a resumed run and a clean one have both closed every window up to {@code upTo} and
   * flushed it, then kills both.
   */
  private void catchUpSideBySide(
      Process resumed, InfluxSettings resumedDb, Process clean, InfluxSettings cleanDb, long upTo)
      throws Exception {
    try {
      waitFor(() -> newestFinal(resumedDb) >= upTo, resumed, "the resumed run's windows to close");
      waitFor(() -> newestFinal(cleanDb) >= upTo, clean, "the clean run's windows to close");
      waitFor(
          () -> stable(resumedDb, upTo) && stable(cleanDb, upTo), resumed, "the sinks to flush");
    } finally {
      resumed.destroyForcibly().waitFor();
      clean.destroyForcibly().waitFor();
    }
  }

  /** SIGKILL, as in a crash (no savepoint, no clean-up), once the condition holds. */
  private void killOnce(Process run, Condition condition, String what) throws Exception {
    try {
      waitFor(condition, run, what);
    } finally {
      run.destroyForcibly().waitFor();
    }
  }

  private void waitFor(Condition condition, Process process, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (!condition.holds()) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        org.junit.jupiter.api.Assertions.fail(
            (process.isAlive() ? "gave up waiting for " : "the run stopped before ")
                + what
                + "; its log ends:\n"
                + logTail(process));
      }
      Thread.sleep(500);
    }
  }

  private final Map<Process, Path> logs = new java.util.HashMap<>();

  /** The last lines of a run's log, without Flink's metric-name warnings, for a failure message. */
  private String logTail(Process process) {
    try {
      // lenient decoding: the run may be mid-way through writing a character
      List<String> lines =
          new String(Files.readAllBytes(logs.get(process)), StandardCharsets.UTF_8)
              .lines()
              .filter(line -> !line.contains("Name collision"))
              .toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(its log cannot be read: " + e + ")";
    }
  }

  private static boolean hasCommittedOffsets(KafkaBroker kafka, String group) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
      return !admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().isEmpty();
    }
  }

  private static boolean hasCheckpoint(Path checkpoints) throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return false;
    }
    try (Stream<Path> files = Files.find(checkpoints, 3, (p, a) -> p.endsWith("_metadata"))) {
      return files.findAny().isPresent();
    }
  }

  /** The end of the newest final demand window written, or 0. */
  private static long newestFinal(InfluxSettings influx) throws IOException {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      return connection
          .select("SELECT last(\"count\") FROM demand WHERE provisional = false AND time < now()")
          .stream()
          .mapToLong(row -> ((Number) row.get("time")).longValue())
          .max()
          .orElse(0);
    }
  }

  private final Map<String, long[]> seen = new java.util.HashMap<>();

  /**
   * Whether the number of points up to a time has not changed for 3 s (sinks flush every second).
   */
  private boolean stable(InfluxSettings influx, long upTo) throws IOException {
    long count = points(influx, "demand", upTo).size();
    long[] last = seen.get(influx.database());
    if (last == null || last[0] != count) {
      seen.put(influx.database(), new long[] {count, System.nanoTime()});
      return false;
    }
    return System.nanoTime() - last[1] >= TimeUnit.SECONDS.toNanos(3);
  }

  private static String districts(InfluxSettings influx, Map<String, String> different)
      throws IOException {
    if (different.isEmpty()) {
      return "";
    }
    String key = different.keySet().iterator().next();
    String[] parts = key.split("\\|");
    long time = (long) Double.parseDouble(parts[4]);
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      return parts[0]
          + " "
          + parts[2]
          + " at "
          + time
          + ": "
          + connection
              .select(
                  "SELECT \"count\", \"district\" FROM demand"
                      + " WHERE service = '"
                      + parts[0]
                      + "' AND horizon = '"
                      + parts[2]
                      + "' AND time = "
                      + time
                      + "ms")
              .toString();
    }
  }

  private static String setAside(InfluxSettings influx) throws IOException {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      return connection
          .select(
              "SELECT sum(\"accepted\") AS a, sum(\"late\") AS l, sum(\"duplicates\") AS d, "
                  + "sum(\"dead_letters\") AS x FROM pipeline_health")
          .toString();
    }
  }

  /** Every point of a measurement, tags and fields, but not the run tag. */
  private static Set<String> rows(InfluxSettings influx, String measurement, long upTo)
      throws IOException {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      return connection
          .select("SELECT * FROM \"" + measurement + "\" WHERE time <= " + upTo + "ms GROUP BY *")
          .stream()
          .map(
              row -> {
                Map<String, Object> point = new TreeMap<>(row);
                point.remove("run");
                return point.toString();
              })
          .collect(Collectors.toSet());
    }
  }

  /** Every point of a measurement: tags and time to fields. */
  private static Map<String, String> points(InfluxSettings influx, String measurement, long upTo)
      throws IOException {
    Map<String, String> points = new TreeMap<>();
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      for (Map<String, Object> row :
          connection.select(
              "SELECT * FROM \"" + measurement + "\" WHERE time <= " + upTo + "ms GROUP BY *")) {
        Map<String, Object> fields = new TreeMap<>(row);
        String key =
            fields.remove("service")
                + "|"
                + fields.remove("district")
                + "|"
                + fields.remove("horizon")
                + "|"
                + fields.remove("category")
                + "|"
                + fields.remove("time");
        fields.remove("run");
        points.put(key, fields.toString());
      }
    }
    return points;
  }

  /** The CLI in a JVM of its own, so that it can be killed. */
  private List<String> javaCommand(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.demandmonitor",
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                DemandMonitorCli.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of("--config-dir", config.toAbsolutePath().toString()));
    return command;
  }

  private String cli(String... args) {
    List<String> withConfig = new ArrayList<>(List.of(args));
    withConfig.addAll(List.of("--config-dir", config.toString()));
    return TestCli.ok(withConfig.toArray(String[]::new));
  }
}
