package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.config.District;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.SeriesEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.influxdb.dto.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The InfluxDB sink against a real influxd: exact read-back, escaping, idempotency, outages, bad
 * points.
 */
class InfluxSinkTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  private static final ReferenceData REFERENCE = TestConfig.reference();
  private static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00Z

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void whatAJobWritesReadsBackExactlyAndWritingItAgainOverwrites() throws Exception {
    InfluxSettings settings = InfluxServer.shared().newDatabase("readback");
    List<RollingValue> values = rollingValues(150);
    Map<String, Long> expected = new HashMap<>();
    values.forEach(v -> expected.put(v.identity(), v.count));

    writeWithAJob(settings, values);
    try (InfluxConnection influx = new InfluxConnection(settings)) {
      assertThat(differences(expected, demandCounts(influx))).isEmpty();
      // Names with spaces are tags that match exactly.
      assertThat(
              InfluxServer.select(
                  influx,
                  "SELECT count FROM demand WHERE district = 'Welwyn Hatfield' "
                      + "AND horizon = 'PT1H' AND service = 'helpline-calls'"))
          .hasSize(150);
      RollingValue stAlbans =
          values.stream()
              .filter(
                  v ->
                      v.service.equals("helpline-calls")
                          && v.area.equals("ST_ALBANS")
                          && v.horizon.equals("PT15M")
                          && v.count > 0)
              .findFirst()
              .orElseThrow();
      assertThat(
              InfluxServer.select(
                  influx,
                  "SELECT abandoned_rate FROM service_measures WHERE "
                      + "district = 'St Albans' AND horizon = 'PT15M' AND time = "
                      + stAlbans.windowEnd
                      + "ms"))
          .singleElement()
          .extracting(r -> r.get("abandoned_rate"))
          .isEqualTo((double) stAlbans.a / stAlbans.count);

      writeWithAJob(settings, values); // a restart or a replay writes the same results again
      assertThat(differences(expected, demandCounts(influx))).isEmpty();
      assertThat(InfluxServer.select(influx, "SELECT count(count) FROM demand"))
          .singleElement()
          .extracting(r -> ((Number) r.get("count")).longValue())
          .isEqualTo((long) values.size());
    }
  }

  @Test
  void tagsAndStringFieldsWithSpacesCommasQuotesAndEqualsSignsAreEscaped() throws Exception {
    InfluxSettings settings = InfluxServer.shared().newDatabase("escaping");
    String district = "Welwyn Hatfield, \"north\"=1";
    String text = "LEVEL 3 safeguarding contacts, Stevenage: \"41\" in the last hour\\ since 10:42";
    try (InfluxConnection influx = new InfluxConnection(settings)) {
      influx.write(
          List.of(
              Point.measurement("alerts")
                  .time(T0, TimeUnit.MILLISECONDS)
                  .tag("district", district)
                  .addField("message", text)
                  .build()
                  .lineProtocol(TimeUnit.MILLISECONDS)));
      List<Map<String, Object>> rows = InfluxServer.select(influx, "SELECT * FROM alerts");
      assertThat(rows)
          .singleElement()
          .satisfies(
              row -> {
                assertThat(row.get("district")).isEqualTo(district);
                assertThat(row.get("message")).isEqualTo(text);
              });
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void anOutageLongerThanABatchIntervalLosesNothing() throws Exception {
    try (InfluxServer server = InfluxServer.startOwn(false)) {
      InfluxSettings settings = InfluxSettings.of(server.url(), "outage");
      try (InfluxConnection influx = new InfluxConnection(settings)) {
        influx.createDatabaseIfMissing();
      }
      int total = 8_000;
      StreamExecutionEnvironment env = environment();
      DataStream<RollingValue> paced =
          env.fromSource(
              new DataGeneratorSource<>(
                  i -> value(i),
                  total,
                  RateLimiterStrategy.perSecond(1_000),
                  Types.POJO(RollingValue.class)),
              WatermarkStrategy.noWatermarks(),
              "paced-values");
      paced.sinkTo(demandSink(settings)).name("influx-demand");
      JobClient job = env.executeAsync("outage");

      try (InfluxConnection influx = new InfluxConnection(settings)) {
        TestConfig.waitFor(
            "the first points",
            () -> count(influx, "SELECT count(count) FROM demand") > 0,
            () -> "none written");
      }
      server.stop();
      Thread.sleep(3_000); // three batch intervals of buffered, blocked, retried writes
      server.start();
      job.getJobExecutionResult().get(90, TimeUnit.SECONDS);

      try (InfluxConnection influx = new InfluxConnection(settings)) {
        Map<String, Long> expected = new HashMap<>();
        for (long i = 0; i < total; i++) {
          RollingValue v = value(i);
          expected.put(v.identity(), v.count);
        }
        assertThat(differences(expected, demandCounts(influx))).isEmpty();
        assertThat(count(influx, "SELECT sum(retries) FROM sink_health WHERE sink = 'demand'"))
            .as("the outage was seen and retried")
            .isPositive();
      }
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aPoisonedPointIsReportedAndCountedAndTheRestOfItsBatchLands() throws Exception {
    InfluxSettings settings = InfluxServer.shared().newDatabase("poison");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lines.add("probe,run=test value=" + i + "i " + (T0 + i));
    }
    lines.set(40, "probe,run=test value=\"not a number\" " + (T0 + 40)); // a field type conflict
    lines.set(70, "probe,run=test value=1i,value2= " + (T0 + 70)); // cannot be parsed

    StreamExecutionEnvironment env = environment();
    env.fromData(lines)
        .setParallelism(1)
        .sinkTo(
            new InfluxSink<>(
                settings,
                "probe",
                (String line, long now, java.util.function.Consumer<String> out) ->
                    out.accept(line)))
        .setParallelism(1);
    env.execute("poison");

    try (InfluxConnection influx = new InfluxConnection(settings)) {
      assertThat(InfluxServer.select(influx, "SELECT value FROM probe"))
          .extracting(r -> r.get("value"))
          .hasSize(98)
          .doesNotContain(40.0, 70.0);
      assertThat(count(influx, "SELECT sum(bad_points) FROM sink_health WHERE sink = 'probe'"))
          .isEqualTo(2);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void badCredentialsFailTheJobWithAClearMessageThatHidesThePassword() throws Exception {
    try (InfluxServer server = InfluxServer.startOwn(true)) {
      InfluxSettings right =
          InfluxSettings.of(server.url(), "secured")
              .withCredentials(InfluxServer.ADMIN, InfluxServer.ADMIN_PASSWORD, null);
      try (InfluxConnection influx = new InfluxConnection(right)) {
        assertThat(influx.createDatabaseIfMissing()).isTrue();
      }
      InfluxSettings wrong = right.withCredentials(InfluxServer.ADMIN, "not-the-password", null);
      StreamExecutionEnvironment env = environment();
      env.fromData(rollingValues(1)).sinkTo(demandSink(wrong));
      assertThatThrownBy(() -> env.execute("bad-credentials"))
          .rootCause()
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("check the user and password")
          .hasMessageNotContaining("not-the-password");

      InfluxSettings token = right.withCredentials(null, null, "admin:not-a-token");
      try (InfluxConnection influx = new InfluxConnection(token)) {
        assertThatThrownBy(() -> influx.write(List.of("probe value=1i 1")))
            .isInstanceOf(InfluxConnection.Failure.class)
            .hasMessageContaining("HTTP 401")
            .hasMessageNotContaining("not-a-token");
      }
    }
  }

  private static InfluxSink<RollingValue> demandSink(InfluxSettings settings) {
    LineProtocol lineProtocol = new LineProtocol(REFERENCE, settings.run());
    return new InfluxSink<>(settings, "demand", (v, now, out) -> lineProtocol.lines(v, out));
  }

  private static void writeWithAJob(InfluxSettings settings, List<RollingValue> values)
      throws Exception {
    StreamExecutionEnvironment env = environment();
    env.fromData(values).sinkTo(demandSink(settings)).name("influx-demand");
    env.execute("influx-write");
  }

  private static StreamExecutionEnvironment environment() {
    StreamExecutionEnvironment env = TestConfig.flink(new Configuration());
    env.enableCheckpointing(500);
    return env;
  }

  /**
   * Every district and the county, every service, two horizons, {@code windows} window ends each.
   */
  private static List<RollingValue> rollingValues(int windows) {
    List<String> areas =
        new ArrayList<>(REFERENCE.districts().stream().map(District::code).toList());
    areas.add(SeriesEvent.COUNTY);
    List<RollingValue> values = new ArrayList<>();
    for (String service :
        List.of("care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events")) {
      for (String area : areas) {
        for (String horizon : List.of("PT15M", "PT1H")) {
          for (int w = 1; w <= windows; w++) {
            long count = (values.size() * 7L) % 50;
            values.add(
                new RollingValue(
                    service,
                    area,
                    "",
                    horizon,
                    T0 + w * 60_000L,
                    count,
                    count / 2,
                    count * 30,
                    w % 2 == 0));
          }
        }
      }
    }
    return values;
  }

  private static RollingValue value(long i) {
    return new RollingValue(
        "helpline-calls", "STEVENAGE", "", "PT15M", T0 + i * 60_000L, i % 97, 0, 0, false);
  }

  /**
   * count by identity (service|area|category|horizon|window end) as read back from the demand
   * measurement.
   */
  private static Map<String, Long> demandCounts(InfluxConnection influx) throws IOException {
    Map<String, String> codes = new HashMap<>();
    REFERENCE.districts().forEach(d -> codes.put(d.name(), d.code()));
    codes.put(LineProtocol.COUNTY, SeriesEvent.COUNTY);
    Map<String, Long> counts = new HashMap<>();
    for (Map<String, Object> row : InfluxServer.select(influx, "SELECT * FROM demand")) {
      String identity =
          row.get("service")
              + "|"
              + codes.get((String) row.get("district"))
              + "||"
              + row.get("horizon")
              + "|"
              + ((Number) row.get("time")).longValue();
      assertThat(counts.put(identity, ((Number) row.get("count")).longValue()))
          .as(identity)
          .isNull();
    }
    return counts;
  }

  /** Up to 10 windows missing, unexpected or with another count, so a failure reads at a glance. */
  private static List<String> differences(Map<String, Long> expected, Map<String, Long> actual) {
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    return keys.stream()
        .filter(k -> !java.util.Objects.equals(expected.get(k), actual.get(k)))
        .map(k -> k + ": expected " + expected.get(k) + ", read back " + actual.get(k))
        .limit(10)
        .toList();
  }

  private static long count(InfluxConnection influx, String query) throws IOException {
    List<Map<String, Object>> rows = InfluxServer.select(influx, query);
    if (rows.isEmpty()) {
      return 0;
    }
    Map<String, Object> row = rows.get(0);
    return row.entrySet().stream()
        .filter(e -> !e.getKey().equals("time") && !e.getKey().equals("name"))
        .mapToLong(e -> ((Number) e.getValue()).longValue())
        .findFirst()
        .orElse(0);
  }
}
