package io.demandmonitor.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.demandmonitor.InfluxServer;
import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestCli;
import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events that went through the live job from Kafka (with out-of-order, late, duplicate and
 * malformed records, and provisional values on) and were archived by it, replayed from that
 * archive, give the same rolling values and the same alert episodes; so does a replay of the Kafka
 * topics' time range.
 */
class LiveReplayEquivalenceTest {

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void theLiveJobAndAReplayOfItsArchiveAgree() throws Exception {
    InfluxSettings influx = InfluxServer.shared().newDatabase("equivalence");
    Path archive = dir.resolve("archive");
    JsonNode comparison;
    Instant started;
    try (KafkaBroker kafka = KafkaBroker.start()) {
      TestCli.ok("simulate", "--from", "-2d", "--to", "now", "--kafka", kafka.bootstrapServers());
      // A bounded run of the live job: tagged with a run id of its own, never live, and writing
      // nothing dated after its start.
      started = Instant.now();
      TestCli.ok(
          "run",
          "--kafka",
          kafka.bootstrapServers(),
          "--no-live",
          "--run-id",
          "from-live-job",
          "--web-ui-port",
          "0",
          "--out",
          dir.resolve("out").toString(),
          "--archive",
          archive.toString(),
          "--influx-url",
          influx.url(),
          "--influx-database",
          influx.database());
      TestCli.ok(
          "replay",
          "--archive",
          archive.toString(),
          "--run-id",
          "replayed",
          "--resolution",
          "1m",
          "--compare",
          "from-live-job",
          "--report",
          dir.resolve("report").toString(),
          "--out",
          dir.resolve("out-replay").toString(),
          "--influx-url",
          influx.url(),
          "--influx-database",
          influx.database());
      comparison =
          new ObjectMapper().readTree(dir.resolve("report").resolve("comparison.json").toFile());
      TestCli.ok(
          "replay",
          "--kafka",
          kafka.bootstrapServers(),
          "--from",
          comparison.get("from").asText(),
          "--to",
          comparison.get("to").asText(),
          "--run-id",
          "from-kafka",
          "--resolution",
          "1m",
          "--compare",
          "from-live-job",
          "--report",
          dir.resolve("report-kafka").toString(),
          "--out",
          dir.resolve("out-kafka").toString(),
          "--influx-url",
          influx.url(),
          "--influx-database",
          influx.database());
    }

    assertThat(comparison.get("inBoth").asInt()).as("alert episodes in both").isPositive();
    assertThat(comparison.get("added").asInt()).as("episodes only in the replay").isZero();
    assertThat(comparison.get("removed").asInt()).as("episodes only live").isZero();
    comparison
        .get("levels")
        .forEach(
            row ->
                assertThat(row.get("thisRun").asInt())
                    .as(row.toString())
                    .isEqualTo(row.get("otherRun").asInt()));

    Instant to = Instant.parse(comparison.get("to").asText());
    to = to.isAfter(started) ? started : to;
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      Map<String, Long> live = counts(connection, "from-live-job", to);
      Map<String, Long> replayed = counts(connection, "replayed", to);
      assertThat(live).hasSizeGreaterThan(1000);
      assertThat(differences(replayed, live)).as("replayed against the live job").isEmpty();
      assertThat(differences(counts(connection, "from-kafka", to), live))
          .as("replayed from the topics")
          .isEmpty();
    }
    JsonNode fromKafka =
        new ObjectMapper()
            .readTree(dir.resolve("report-kafka").resolve("comparison.json").toFile());
    assertThat(List.of(fromKafka.get("added").asInt(), fromKafka.get("removed").asInt()))
        .as("episodes added, removed by the replay of the topics")
        .containsExactly(0, 0);
  }

  /**
   * Final counts of every demand window ending by {@code to}, by series, horizon and window end.
   */
  private static Map<String, Long> counts(InfluxConnection connection, String run, Instant to)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    for (Map<String, Object> row :
        connection.select(
            "SELECT \"count\", \"provisional\" FROM \"demand\" WHERE \"run\" = '"
                + run
                + "' AND time <= "
                + to.toEpochMilli()
                + "ms GROUP BY \"service\", \"district\", \"horizon\"")) {
      assertThat(row.get("provisional"))
          .as("a window with only a provisional value: " + row)
          .isEqualTo(false);
      counts.put(
          row.get("service")
              + "|"
              + row.get("district")
              + "|"
              + row.get("horizon")
              + "|"
              + ((Number) row.get("time")).longValue(),
          ((Number) row.get("count")).longValue());
    }
    return counts;
  }

  /** Every window whose count differs, or that only one side has: key to "this / other". */
  private static Map<String, String> differences(
      Map<String, Long> counts, Map<String, Long> other) {
    Map<String, String> differences = new TreeMap<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(counts.keySet());
    keys.addAll(other.keySet());
    keys.stream()
        .filter(k -> !java.util.Objects.equals(counts.get(k), other.get(k)))
        .forEach(k -> differences.put(k, counts.get(k) + " / " + other.get(k)));
    return differences;
  }
}
