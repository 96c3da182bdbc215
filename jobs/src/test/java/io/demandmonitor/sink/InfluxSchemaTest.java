package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.InfluxServer;
import io.demandmonitor.TestConfig;
import io.demandmonitor.cli.DemandMonitorCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code demand-monitor run --influx-url} fills a real InfluxDB, and docs/influx-schema.md lists
 * exactly the measurements, tags and fields (with types) it writes.
 */
class InfluxSchemaTest {

  private static final Path SCHEMA_DOC = TestConfig.CONFIG_DIR.resolveSibling("docs").resolve("influx-schema.md");
  private static final Pattern HEADING = Pattern.compile("^### `([a-z_]+)`");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_0-9]+)` \\| (tag|field|optional field) \\| (\\w+) \\|");
  private static final String OPTIONAL = "optional ";

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theEmbeddedRunWritesToInfluxDbExactlyWhatTheSchemaDocumentSays() throws IOException {
    InfluxSettings influx = InfluxSettings.of(InfluxServer.shared().url(), "schema_" + System.nanoTime());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    // Back over the default surge scenario (alerts), then live for long enough to write a full
    // 10 s health interval with a watermark behind the clock.
    int exit = cli.execute("run", "--backfill", "8h", "--speed", "0", "--duration", "15s", "--web-ui-port", "0",
        "--checkpoint-every", "2s", "--out", dir.toString(), "--config-dir", TestConfig.CONFIG_DIR.toString(),
        "--influx-url", influx.url(), "--influx-database", influx.database());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Created InfluxDB database " + influx.database(),
        "Writing to InfluxDB " + influx.url());

    Map<String, String> written = new TreeMap<>();
    try (InfluxConnection connection = new InfluxConnection(influx)) {
      for (Map<String, Object> row : InfluxServer.select(connection, "SHOW TAG KEYS")) {
        written.put(row.get("name") + "." + row.get("tagKey"), "tag string");
      }
      for (Map<String, Object> row : InfluxServer.select(connection, "SHOW FIELD KEYS")) {
        written.put(row.get("name") + "." + row.get("fieldKey"), "field " + row.get("fieldType"));
      }
      assertThat(InfluxServer.select(connection, "SELECT sum(accepted) FROM pipeline_health"))
          .singleElement().extracting(r -> ((Number) r.get("sum")).longValue()).isNotEqualTo(0L);
    }
    Map<String, String> documented = documented();
    Map<String, String> required = new TreeMap<>();
    documented.forEach((key, kind) -> {
      if (!kind.startsWith(OPTIONAL)) {
        required.put(key, kind);
      }
    });
    Map<String, String> writtenAsDocumented = new TreeMap<>();
    written.forEach((key, kind) -> writtenAsDocumented.put(key,
        (OPTIONAL + kind).equals(documented.get(key)) ? OPTIONAL + kind : kind));
    assertThat(writtenAsDocumented).as("written, with its kind and type").containsAllEntriesOf(required);
    assertThat(documented).as("documented").containsAllEntriesOf(writtenAsDocumented);
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
