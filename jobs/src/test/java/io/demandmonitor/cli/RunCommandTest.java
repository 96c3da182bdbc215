package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.sink.LiveSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as a user runs it, in-process: the embedded run on a short bounded simulation. */
class RunCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void embeddedRunOnABoundedSimulationWritesLineProtocolAndSummarises() throws IOException {
    CommandLine cli = cli();
    int exit = boundedRun(cli, "3h");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Final summary (finished)", "Community helpline", "set aside:");
    List<String> lines = TestCli.lines(dir.resolve("demand"));
    assertThat(lines)
        .isNotEmpty()
        .allMatch(
            l ->
                l.matches(
                    "(demand|demand_by_category|service_measures),.*horizon=PT(15M|1H|24H|168H),run=live,service=[a-z-]+ .* \\d{13}"));
    for (String horizon : List.of("PT15M", "PT1H", "PT24H", "PT168H")) {
      assertThat(lines)
          .anyMatch(l -> l.startsWith("demand,district=County,horizon=" + horizon + ","));
    }
    LiveSummary board = board(cli);
    assertThat(values(board)).isEqualTo(newestWritten(dir.resolve("demand"), board));
    assertThat(board.counted(io.demandmonitor.model.HealthEvent.ACCEPTED)).isPositive();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aLiveRunsBoardMovesWithTheWatermarkAndEndsOnTheNewestValuesWritten() throws IOException {
    CommandLine cli = cli();
    int exit =
        cli.execute(
            "run",
            "--backfill",
            "2h",
            "--duration",
            "25s",
            "--web-ui-port",
            "0",
            "--summary-every",
            "1s",
            "--checkpoint-every",
            "2s",
            "--out",
            dir.toString(),
            "--config-dir",
            TestConfig.CONFIG_DIR.toString());

    assertThat(exit).as(err.toString()).isZero();
    List<String> headers =
        out.toString().lines().filter(l -> l.startsWith("County demand, complete up to ")).toList();
    assertThat(headers)
        .as("headers: the event time demand is complete up to, and the clock")
        .allMatch(
            h ->
                h.matches(
                    ".* up to \\w{3} \\d+ \\w{3} \\d\\d:\\d\\d \\(event time\\), at \\d\\d:\\d\\d:\\d\\d"));
    assertThat(headers).as("the board, once caught up").isNotEmpty();
    // Caught up: the event time demand is complete up to is within minutes of the clock beside it.
    java.util.regex.Matcher times =
        Pattern.compile("up to .* (\\d\\d):(\\d\\d) \\(event time\\), at (\\d\\d):(\\d\\d)")
            .matcher(headers.get(headers.size() - 1));
    assertThat(times.find()).isTrue();
    int behind =
        Math.floorMod(
            Integer.parseInt(times.group(3)) * 60
                + Integer.parseInt(times.group(4))
                - Integer.parseInt(times.group(1)) * 60
                - Integer.parseInt(times.group(2)),
            24 * 60);
    assertThat(behind)
        .as("minutes the board is behind the clock: " + headers.get(headers.size() - 1))
        .isLessThan(10);
    LiveSummary summary = board(cli);
    Map<String, Long> board = values(summary);
    assertThat(board).isNotEmpty();
    // A stop takes a savepoint without drain: a provisional value sent as it stops can reach the
    // board but not a committed part file (CI saw the board one event ahead, twice; a run resumed
    // from the savepoint sends it again). So the board may end ahead of the files by provisional
    // values, never behind them or on other values.
    Map<String, long[]> written = newestWrittenWithEnds(dir.resolve("demand"), summary);
    Map<String, String> unsupported = new TreeMap<>();
    board.forEach(
        (key, count) -> {
          long[] file = written.get(key);
          String[] serviceAndHorizon = key.split("\\|");
          RollingValue shown = summary.newest(serviceAndHorizon[0], serviceAndHorizon[1]);
          boolean same = file != null && file[1] == count;
          boolean aheadByProvisional =
              shown.provisional && (file == null || shown.windowEnd >= file[0] && count >= file[1]);
          if (!same && !aheadByProvisional) {
            unsupported.put(
                key, count + " on the board, " + (file == null ? "none" : file[1]) + " written");
          }
        });
    assertThat(unsupported).as("board values the files do not bear out").isEmpty();
    assertThat(board.keySet()).containsAll(written.keySet());
    for (String service :
        List.of("care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events")) {
      if (!board.containsKey(service + "|PT168H")) {
        continue; // no event in the back-fill: a quiet service at night
      }
      assertThat(
              List.of(
                  board.get(service + "|PT15M"),
                  board.get(service + "|PT1H"),
                  board.get(service + "|PT24H"),
                  board.get(service + "|PT168H")))
          .as("%s: a longer horizon never counts less", service)
          .isSorted();
    }
  }

  /** The console board of the run {@code cli} executed last. */
  private static LiveSummary board(CommandLine cli) {
    RunCommand run = cli.getSubcommands().get("run").getCommand();
    return run.board;
  }

  /** The console board's county values, service|horizon to count, of the series it has seen. */
  private static Map<String, Long> values(LiveSummary board) {
    Map<String, Long> values = new TreeMap<>();
    for (String service :
        List.of("care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events")) {
      for (String horizon : List.of("PT15M", "PT1H", "PT24H", "PT168H")) {
        long latest = board.latest(service, horizon);
        if (latest >= 0) {
          values.put(service + "|" + horizon, latest);
        }
      }
    }
    return values;
  }

  /**
   * What a store that overwrites by window end holds for the newest county window of each service
   * and horizon, from the demand files in the order they were written (each writer's part files by
   * their counter). Final values of windows after now are the end of a bounded run falling to zero
   * in windows that have not happened: the console leaves them out.
   */
  private static Map<String, Long> newestWritten(Path folder, LiveSummary board)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    newestWrittenWithEnds(folder, board).forEach((key, value) -> counts.put(key, value[1]));
    return counts;
  }

  /** The same, service|horizon to {window end, count}. */
  private static Map<String, long[]> newestWrittenWithEnds(Path folder, LiveSummary board)
      throws IOException {
    Pattern point =
        Pattern.compile(
            "demand,district=County,horizon=(\\w+),run=live,service=([a-z-]+) "
                + "count=(\\d+)i,provisional=(true|false)\\S* (\\d+)");
    Map<String, long[]> newest = new TreeMap<>(); // service|horizon -> window end, count
    long now = board.happenedUpTo(); // the board's own cut: the clock, or a bounded input's end
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> inOrder =
          files
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted(
                  Comparator.comparing(
                          (Path f) -> f.getFileName().toString().replaceAll("-\\d+\\.lp$", ""))
                      .thenComparingLong(
                          f ->
                              Long.parseLong(
                                  f.getFileName().toString().replaceAll(".*-(\\d+)\\.lp$", "$1"))))
              .toList();
      for (Path file : inOrder) {
        for (String line : Files.readAllLines(file)) {
          Matcher m = point.matcher(line);
          long end = m.matches() ? Long.parseLong(m.group(5)) : 0;
          if (m.matches() && (m.group(4).equals("true") || end <= now)) {
            newest.merge(
                m.group(2) + "|" + m.group(1),
                new long[] {end, Long.parseLong(m.group(3))},
                (old, fresh) -> fresh[0] >= old[0] ? fresh : old);
          }
        }
      }
    }
    return newest;
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theDefaultScenarioRaisesAnAlertAndResolvesIt() throws IOException {
    int exit = boundedRun(cli(), "8h");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern(
            "ALERT LEVEL [234] Safeguarding contacts, Stevenage: [\\d.]+ (per 100,000 residents )?in the last hour")
        .containsPattern("ALERT RESOLVED Safeguarding contacts, Stevenage");
    assertThat(TestCli.lines(dir.resolve("alerts")))
        .anyMatch(
            l ->
                l.startsWith(
                    "alerts,detector=THRESHOLD,district=Stevenage,"
                        + "horizon=PT1H,run=live,service=safeguarding-contacts,state=RAISED "));
    // The surge is an incident (which a chance episode elsewhere shortly before may have opened),
    // printed flush left; the episode lines are indented.
    assertThat(out.toString())
        .containsPattern(
            "(?m)^INCIDENT (OPENED at level|LEVEL) [234] Safeguarding contacts in "
                + ".*Stevenage.*, \\d+ episodes?, \\d+ open, since")
        .containsPattern("(?m)^  ALERT LEVEL [234] Safeguarding contacts, Stevenage");
    assertThat(TestCli.lines(dir.resolve("incidents")))
        .anyMatch(
            l -> l.startsWith("incidents,run=live,service=safeguarding-contacts,state=OPENED "));
  }

  /**
   * The embedded runtime's REST API runs code for whoever reaches it: it listens on loopback only,
   * and the web UI neither takes jars nor cancels jobs.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theWebUiListensOnLoopbackOnlyAndRefusesJarUploads() throws Exception {
    int firstPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      firstPort = probe.getLocalPort();
    }
    CommandLine cli = cli();
    Thread run =
        new Thread(
            () ->
                cli.execute(
                    "run",
                    "--backfill",
                    "1h",
                    "--duration",
                    "30s",
                    "--web-ui-port",
                    String.valueOf(firstPort),
                    "--summary-every",
                    "10s",
                    "--out",
                    dir.toString(),
                    "--config-dir",
                    TestConfig.CONFIG_DIR.toString()));
    run.start();
    java.util.regex.Matcher url =
        java.util.regex.Pattern.compile("web UI on http://127\\.0\\.0\\.1:(\\d+)").matcher("");
    while (run.isAlive() && !url.reset(out.toString()).find()) {
      Thread.sleep(100);
    }
    assertThat(url.find(0)).as(out + "\n" + err).isTrue();
    int port = Integer.parseInt(url.group(1));

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    String config =
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/config")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(config).contains("\"web-submit\":false", "\"web-cancel\":false");
    // A real upload of a jar, as the web UI's "Submit New Job" sends it: Flink would store and then
    // run it.
    byte[] jar;
    try (var bytes = new java.io.ByteArrayOutputStream();
        var zip = new java.util.jar.JarOutputStream(bytes)) {
      zip.close();
      jar = bytes.toByteArray();
    }
    byte[] body =
        concat(
            ("--b\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"x.jar\"\r\n"
                    + "Content-Type: application/x-java-archive\r\n\r\n")
                .getBytes(),
            jar,
            "\r\n--b--\r\n".getBytes());
    java.net.http.HttpResponse<String> upload =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/jars/upload"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).as(upload.body()).isGreaterThanOrEqualTo(400);
    assertThat(upload.body()).doesNotContain("success", "filename");
    assertThat(listeningAddresses(port))
        .as("local addresses listening on " + port)
        .containsOnly("127.0.0.1");
    run.join();
    assertThat(out.toString()).contains("Final summary (stopped)");
  }

  private static byte[] concat(byte[]... parts) throws IOException {
    var all = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.write(part);
    }
    return all.toByteArray();
  }

  /** The local addresses of the sockets listening on a TCP port, from the kernel's tables. */
  private static List<String> listeningAddresses(int port) throws IOException {
    List<String> addresses = new java.util.ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        if (fields[3].equals("0A") && Integer.parseInt(local[1], 16) == port) { // 0A: LISTEN
          addresses.add(
              local[0].equals("0100007F")
                  ? "127.0.0.1"
                  : local[0].equals("0000000000000000FFFF00000100007F") ? "127.0.0.1" : local[0]);
        }
      }
    }
    return addresses;
  }

  /**
   * A live run's maximum event age must let a first start rebuild what the state keeps from the
   * topics: the 7-day windows and the baselines' 8 weeks, not just a week (an 8-day limit set the
   * baseline history aside as late).
   */
  @Test
  void theDefaultMaximumEventAgeCoversTheHistoryTheStateKeeps() {
    assertThat(RunCommand.historyKept(TestConfig.windows(), TestConfig.alerts()))
        .isEqualTo(java.time.Duration.ofDays(7 * 8 + 1));
  }

  @Test
  void aDurationThatMustBePositiveIsRefusedWithItsOption() {
    for (String option : List.of("--checkpoint-timeout", "--follow-clock-after")) {
      assertThat(cli().execute("run", option, "0s", "--out", dir.toString())).isEqualTo(2);
      assertThat(err.toString()).contains(option + " must be more than 0, not 0s");
    }
  }

  @Test
  void checkConfigReportsEveryProblemWithItsFileAndKey() {
    Path config =
        TestConfig.copyWith(dir, "alerts.yaml", "levels: [6, 9, 13]", "levels: [6, 3, 13]");
    int exit = cli().execute("check-config", "--config-dir", config.toString());
    assertThat(exit).isEqualTo(2);
    int line = lineOf(config.resolve("alerts.yaml"), "levels: [6, 3, 13]");
    assertThat(err.toString())
        .contains(
            config.resolve("alerts.yaml")
                + " line "
                + line
                + ": thresholds[0].levels: must be three "
                + "increasing positive thresholds, for levels 2, 3 and 4 (got [6.0, 3.0, 13.0])");
    assertThat(cli().execute("check-config", "--config-dir", TestConfig.CONFIG_DIR.toString()))
        .isZero();
  }

  /**
   * The 1-based line of a file holding {@code text}, so a comment added above it does not break a
   * test.
   */
  private static int lineOf(Path file, String text) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(text)) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError(text + " not in " + file);
  }

  @Test
  void checkConfigRefusesControlCharactersInNamesAndShowsThemEscaped() {
    Path config =
        TestConfig.copyWith(dir, "districts.yaml", "name: Stevenage", "name: \"Steve\\nnage\"");
    assertThat(cli().execute("check-config", "--config-dir", config.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            config.resolve("districts.yaml")
                + " line 23: districts[6].name: must not hold "
                + "control characters such as a newline or tab (got 'Steve\\nnage')");
  }

  @Test
  void badConfigurationStopsTheRunWithTheFileKeyAndValue() {
    Path config = TestConfig.copyWith(dir, "districts.yaml", "population: 90000", "population: 0");
    int exit = cli().execute("run", "--no-live", "--config-dir", config.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "Configuration error: "
                + config.resolve("districts.yaml")
                + " line 24: districts[6].population: must be a positive number of residents (got 0)");
  }

  @Test
  void anUnknownScenarioIsNamed() {
    int exit =
        cli()
            .execute(
                "simulate",
                "--from",
                "-1h",
                "--scenario",
                "alien-invasion",
                "--config-dir",
                TestConfig.CONFIG_DIR.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--scenario: 'alien-invasion' is not a scenario");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("run", "simulate", "check-config", "bench")) {
      StringWriter help = new StringWriter();
      CommandLine cli = DemandMonitorCli.commandLine();
      cli.setOut(new PrintWriter(help));
      assertThat(cli.execute(command, "--help")).isZero();
      assertThat(help.toString()).contains("Usage: demand-monitor " + command);
    }
  }

  @Test
  void simulateWritesAnAvroArchivePerStreamAndDay() throws IOException {
    Path archive = dir.resolve("archive");
    int exit =
        cli()
            .execute(
                "simulate",
                "--from",
                "2026-03-02T00:00:00Z",
                "--to",
                "2026-03-04T00:00:00Z",
                "--out",
                archive.toString(),
                "--config-dir",
                TestConfig.CONFIG_DIR.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(archive.resolve("helpline-calls/2026-03-02.avro")).isNotEmptyFile();
    assertThat(archive.resolve("testing-events/2026-03-03.avro")).isNotEmptyFile();
    try (var reader =
        new org.apache.avro.file.DataFileReader<>(
            archive.resolve("helpline-calls/2026-03-03.avro").toFile(),
            new org.apache.avro.generic.GenericDatumReader<
                org.apache.avro.generic.GenericRecord>())) {
      assertThat(reader.getSchema().getName()).isEqualTo("HelplineCall");
      assertThat(reader.hasNext()).isTrue();
    }
    assertThat(out.toString()).contains("helpline-calls", "records", "Archive:");
  }

  /**
   * {@code run} on a simulated {@code backfill} as fast as it goes, files under the test's folder.
   */
  private int boundedRun(CommandLine cli, String backfill) {
    return cli.execute(
        "run",
        "--backfill",
        backfill,
        "--speed",
        "0",
        "--no-live",
        "--web-ui-port",
        "0",
        "--summary-every",
        "1s",
        "--out",
        dir.toString(),
        "--config-dir",
        TestConfig.CONFIG_DIR.toString());
  }

  private CommandLine cli() {
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli;
  }
}
