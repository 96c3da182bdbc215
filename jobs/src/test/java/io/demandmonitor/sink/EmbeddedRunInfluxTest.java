package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.GrafanaDashboards;
import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.cli.DemandMonitorCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One default embedded run into a real InfluxDB, as a user starts it ({@code demand-monitor run
 * --influx-url}), with a helpline outage besides the default surge: docs/influx-schema.md lists
 * exactly the measurements, tags and fields written, and every query of every Grafana dashboard,
 * with Grafana's macros and variables substituted, returns data.
 */
class EmbeddedRunInfluxTest {

  private static final Path REPO = TestConfig.CONFIG_DIR.toAbsolutePath().getParent();
  private static final Path SCHEMA_DOC = REPO.resolve("docs").resolve("influx-schema.md");
  private static final Pattern HEADING = Pattern.compile("^### `([a-z_]+)`");
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z_0-9]+)` \\| (tag|field|optional field) \\| (\\w+) \\|");
  private static final String OPTIONAL = "optional ";

  private static InfluxSettings influx;

  @BeforeAll
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  static void runIntoInfluxDb(@TempDir Path dir) throws IOException {
    influx = InfluxSettings.of(InfluxServer.shared().url(), "embedded_" + System.nanoTime());
    Files.createDirectories(dir.resolve("config"));
    // The helpline goes silent 20 minutes before now; its silence is noticed after a minute.
    Path config =
        TestConfig.copyWith(
            dir.resolve("config"),
            "alerts.yaml",
            "service: helpline-calls, silent-after: 30m, active-from: 9, active-to: 17, level: 3}",
            "service: helpline-calls, silent-after: 1m, active-from: 0, active-to: 24, level: 3}");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    // The default back-fill (history enough for every horizon and baseline, the surge in it),
    // then live long enough for full 10 s health intervals with a watermark behind the clock, and
    // for the silent helpline to be raised.
    int exit =
        cli.execute(
            "run",
            "--duration",
            "150s",
            "--web-ui-port",
            "0",
            "--checkpoint-every",
            "2s",
            "--out",
            dir.resolve("out").toString(),
            "--config-dir",
            config.toString(),
            "--scenario",
            "stevenage-safeguarding-surge,helpline-outage",
            "--influx-url",
            influx.url(),
            "--influx-database",
            influx.database());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "Writing to InfluxDB " + influx.url(),
            "Created InfluxDB database " + influx.database(),
            "ALERT LEVEL 3 Community helpline, County: no events for");
  }

  @Test
  void whatIsWrittenIsExactlyWhatTheSchemaDocumentSays() throws IOException {
    Map<String, String> written = new TreeMap<>();
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      for (Map<String, Object> row : InfluxServer.select(connection, "SHOW TAG KEYS")) {
        written.put(row.get("name") + "." + row.get("tagKey"), "tag string");
      }
      for (Map<String, Object> row : InfluxServer.select(connection, "SHOW FIELD KEYS")) {
        written.put(row.get("name") + "." + row.get("fieldKey"), "field " + row.get("fieldType"));
      }
      assertThat(InfluxServer.select(connection, "SELECT sum(accepted) FROM pipeline_health"))
          .singleElement()
          .extracting(r -> ((Number) r.get("sum")).longValue())
          .isNotEqualTo(0L);
    }
    Map<String, String> documented = documented();
    Map<String, String> required = new TreeMap<>();
    documented.forEach(
        (key, kind) -> {
          if (!kind.startsWith(OPTIONAL)) {
            required.put(key, kind);
          }
        });
    Map<String, String> writtenAsDocumented = new TreeMap<>();
    written.forEach(
        (key, kind) ->
            writtenAsDocumented.put(
                key, (OPTIONAL + kind).equals(documented.get(key)) ? OPTIONAL + kind : kind));
    assertThat(writtenAsDocumented)
        .as("written, with its kind and type")
        .containsAllEntriesOf(required);
    assertThat(documented).as("documented").containsAllEntriesOf(writtenAsDocumented);
  }

  @Test
  void everyDashboardQueryReturnsDataAsGrafanaWouldRunIt() throws IOException {
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      Map<String, List<String>> values =
          new java.util.HashMap<>(
              Map.of(
                  "run", List.of("live"), "compare", List.of("live"), "horizon", List.of("PT1H")));
      for (String multi : List.of("service", "district")) { // "All": every value
        List<String> all =
            InfluxServer.select(
                    connection, "SHOW TAG VALUES FROM \"demand\" WITH KEY = \"" + multi + "\"")
                .stream()
                .map(r -> (String) r.get("value"))
                .toList();
        assertThat(all).as(multi).isNotEmpty();
        values.put(multi, all);
      }
      List<String> empty = new ArrayList<>();
      assertThat(GrafanaDashboards.queries()).hasSizeGreaterThan(20);
      for (GrafanaDashboards.Query query : GrafanaDashboards.queries()) {
        String influxql =
            GrafanaDashboards.substitute(query.influxql(), GrafanaDashboards.MACROS, values);
        if (InfluxServer.select(connection, influxql).isEmpty()) {
          empty.add(query.dashboard() + " / " + query.title() + ": " + influxql);
        }
      }
      assertThat(empty)
          .as("panels, variables and annotations whose query returns nothing")
          .isEmpty();
    }
  }

  /**
   * A dashboard link can set any variable to anything. Hostile values, substituted as Grafana does,
   * leave every query one SELECT that runs (the literal and the regex hold), matches nothing (the
   * value is taken literally: "live.*" is not a pattern) and drops nothing; a newline makes
   * InfluxDB refuse the whole query unparsed. The server runs without authentication: every
   * statement would run with full rights.
   */
  @Test
  void hostileVariableValuesCannotLeaveTheirRegexOrChangeTheQuery() throws IOException {
    List<String> hostile =
        List.of(
            "live' ; DROP DATABASE canary ; --",
            "live/ ; DROP DATABASE canary ; SELECT * FROM /.*",
            "live\n; DROP DATABASE canary",
            ".*",
            "live|.*",
            ")|(.*",
            "live\\",
            "live$/",
            "[",
            "${run}",
            "\"live\"");
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      connection.query("CREATE DATABASE canary");
      Map<String, List<String>> real =
          Map.of(
              "run",
              List.of("live"),
              "compare",
              List.of("live"),
              "horizon",
              List.of("PT1H"),
              "service",
              List.of("safeguarding-contacts"),
              "district",
              List.of("Stevenage"));
      List<String> leaked = new ArrayList<>();
      for (GrafanaDashboards.Query query : GrafanaDashboards.queries()) {
        for (String value :
            hostile) { // every variable at once: a value that got out would match data
          Map<String, List<String>> values = new java.util.HashMap<>();
          real.keySet().forEach(variable -> values.put(variable, List.of(value)));
          String influxql =
              GrafanaDashboards.substitute(query.influxql(), GrafanaDashboards.MACROS, values);
          if (influxql.equals(
              GrafanaDashboards.substitute(query.influxql(), GrafanaDashboards.MACROS, real))) {
            continue; // the query has no variables
          }
          org.influxdb.dto.QueryResult result;
          try {
            result = connection.query(influxql);
          } catch (InfluxConnection.Failure e) {
            // InfluxQL refuses a newline inside a regex: the whole query fails to parse and nothing
            // runs
            if (value.contains("\n") && e.getMessage().contains("error parsing query")) {
              continue;
            }
            throw e;
          }
          if (result.getResults().size() != 1 || !InfluxConnection.rows(result).isEmpty()) {
            leaked.add(
                query.dashboard() + " / " + query.title() + " with " + value + ": " + influxql);
          }
        }
      }
      assertThat(leaked)
          .as("queries that ran more than one statement or matched a hostile value")
          .isEmpty();
      assertThat(InfluxConnection.rows(connection.query("SHOW DATABASES")))
          .anyMatch(r -> r.get(0).equals("canary"));
    }
  }

  @Test
  void dashboardQueriesNameOnlyDocumentedMeasurementsTagsAndFields() throws IOException {
    java.util.Set<String> known = new java.util.HashSet<>();
    documented()
        .keySet()
        .forEach(
            key -> {
              known.add(key.substring(0, key.indexOf('.')));
              known.add(key.substring(key.indexOf('.') + 1));
            });
    List<String> unknown = new ArrayList<>();
    for (GrafanaDashboards.Query query : GrafanaDashboards.queries()) {
      GrafanaDashboards.identifiers(query.influxql()).stream()
          .filter(id -> !known.contains(id))
          .forEach(
              id -> unknown.add(query.dashboard() + " / " + query.title() + ": \"" + id + "\""));
    }
    assertThat(unknown).isEmpty();
  }

  /** measurement.key to "tag string" or "field TYPE", from the tables of docs/influx-schema.md. */
  private static Map<String, String> documented() throws IOException {
    Map<String, String> documented = new TreeMap<>();
    String measurement = null;
    for (String line : Files.readAllLines(SCHEMA_DOC)) {
      Matcher heading = HEADING.matcher(line);
      Matcher row = ROW.matcher(line);
      if (heading.find()) {
        measurement = heading.group(1);
      } else if (line.startsWith("#")) {
        measurement = null;
      } else if (measurement != null && row.find()) {
        documented.put(measurement + "." + row.group(1), row.group(2) + " " + row.group(3));
      }
    }
    assertThat(new TreeSet<>(documented.keySet())).as("tables found in " + SCHEMA_DOC).isNotEmpty();
    return documented;
  }
}
