package io.demandmonitor.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.demandmonitor.sink.InfluxConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a run's alert episodes compare with another run's over the same range, from what both wrote
 * to InfluxDB: episodes per service, district and highest level; episodes added (nothing of the
 * same rule and series in the other run overlaps them) and removed (nothing in this run overlaps
 * them); and for episodes in both how much earlier or later this run raised them than the first one
 * it overlaps. One long episode may cover several short ones of the other run (a lower threshold
 * merges them): those are in both, not removed. Episodes raised on a provisional value and
 * withdrawn when the final value contradicted it are left out: they never happened in a replay,
 * which sees final values only.
 */
public final class ReplayReport {

  /**
   * One episode: its rule and series, when it was raised and resolved, and the highest level it
   * reached.
   */
  public record ReportedEpisode(
      String service,
      String district,
      String detector,
      String measure,
      String horizon,
      long start,
      long end,
      int level) {

    String rule() {
      return service + " | " + district + " | " + detector + " " + measure + " " + horizon;
    }
  }

  /** Episodes of a run and level, per service and district. */
  public record LevelCount(String service, String district, int level, int thisRun, int otherRun) {}

  /** One episode row of the comparison: ADDED, REMOVED or IN_BOTH. */
  public record EpisodeRow(
      String status,
      String service,
      String district,
      String detector,
      String measure,
      String horizon,
      Instant raised,
      Instant otherRaised,
      Integer level,
      Integer otherLevel,
      Double raisedMinutesLater) {}

  public record Comparison(
      String run,
      String otherRun,
      Instant from,
      Instant to,
      int episodes,
      int otherEpisodes,
      int added,
      int removed,
      int inBoth,
      Double medianRaisedMinutesLater,
      List<LevelCount> levels,
      List<EpisodeRow> episodeRows) {}

  private ReplayReport() {}

  /** The episodes a run raised in [from, to]. */
  public static List<ReportedEpisode> episodes(
      InfluxConnection influx, String run, Instant from, Instant to) throws IOException {
    List<Map<String, Object>> rows =
        influx.select(
            "SELECT \"alert_id\", \"level\", \"measure\", \"episode_start\" "
                + "FROM \"alerts\" WHERE "
                + runAndRange(run, from, to)
                + " GROUP BY \"service\", \"district\", \"detector\", \"horizon\", "
                + "\"state\"");
    Map<String, List<Map<String, Object>>> byEpisode = new TreeMap<>();
    rows.forEach(
        row ->
            byEpisode
                .computeIfAbsent((String) row.get("alert_id"), id -> new ArrayList<>())
                .add(row));
    List<ReportedEpisode> episodes = new ArrayList<>();
    for (List<Map<String, Object>> changes : byEpisode.values()) {
      Map<String, Object> first = changes.get(0);
      long start = ((Number) first.get("episode_start")).longValue();
      long end = Long.MAX_VALUE;
      int level = 1;
      for (Map<String, Object> change : changes) {
        if ("RESOLVED".equals(change.get("state"))) {
          end =
              ((Number) change.get("time"))
                  .longValue(); // epoch millis: the connection asks for them
        } else {
          level = Math.max(level, ((Number) change.get("level")).intValue());
        }
      }
      if (start < from.toEpochMilli()
          || end == start) { // raised before the range, or withdrawn at once
        continue;
      }
      episodes.add(
          new ReportedEpisode(
              (String) first.get("service"),
              (String) first.get("district"),
              (String) first.get("detector"),
              (String) first.get("measure"),
              (String) first.get("horizon"),
              start,
              end,
              level));
    }
    episodes.sort(Comparator.comparingLong(ReportedEpisode::start));
    return episodes;
  }

  /** Episodes of both runs by overlap, within the same rule and series. */
  public static Comparison compare(
      String run,
      List<ReportedEpisode> mine,
      String otherRun,
      List<ReportedEpisode> theirs,
      Instant from,
      Instant to) {
    List<EpisodeRow> rows = new ArrayList<>();
    List<Double> later = new ArrayList<>();
    for (ReportedEpisode e : mine) {
      ReportedEpisode match = theirs.stream().filter(o -> overlap(e, o)).findFirst().orElse(null);
      if (match == null) {
        rows.add(row("ADDED", e, null));
      } else {
        EpisodeRow row = row("IN_BOTH", e, match);
        later.add(row.raisedMinutesLater());
        rows.add(row);
      }
    }
    List<ReportedEpisode> unmatched =
        theirs.stream().filter(o -> mine.stream().noneMatch(e -> overlap(e, o))).toList();
    unmatched.forEach(
        o ->
            rows.add(
                new EpisodeRow(
                    "REMOVED",
                    o.service(),
                    o.district(),
                    o.detector(),
                    o.measure(),
                    o.horizon(),
                    null,
                    Instant.ofEpochMilli(o.start()),
                    null,
                    o.level(),
                    null)));

    // Episodes per cell (service, district, level), this run's then the other's.
    Map<LevelCount, int[]> levels =
        new TreeMap<>(
            Comparator.comparing(LevelCount::service)
                .thenComparing(LevelCount::district)
                .thenComparingInt(LevelCount::level));
    mine.forEach(e -> levels.computeIfAbsent(cell(e), k -> new int[2])[0]++);
    theirs.forEach(e -> levels.computeIfAbsent(cell(e), k -> new int[2])[1]++);
    List<LevelCount> levelCounts =
        levels.entrySet().stream()
            .map(
                c ->
                    new LevelCount(
                        c.getKey().service(),
                        c.getKey().district(),
                        c.getKey().level(),
                        c.getValue()[0],
                        c.getValue()[1]))
            .toList();
    later.sort(Double::compare);
    Double median = later.isEmpty() ? null : later.get(later.size() / 2);
    return new Comparison(
        run,
        otherRun,
        from,
        to,
        mine.size(),
        theirs.size(),
        (int) rows.stream().filter(r -> r.status().equals("ADDED")).count(),
        unmatched.size(),
        later.size(),
        median,
        levelCounts,
        rows);
  }

  private static LevelCount cell(ReportedEpisode e) {
    return new LevelCount(e.service(), e.district(), e.level(), 0, 0);
  }

  private static boolean overlap(ReportedEpisode a, ReportedEpisode b) {
    return a.rule().equals(b.rule()) && a.start() <= b.end() && b.start() <= a.end();
  }

  private static EpisodeRow row(String status, ReportedEpisode e, ReportedEpisode other) {
    return new EpisodeRow(
        status,
        e.service(),
        e.district(),
        e.detector(),
        e.measure(),
        e.horizon(),
        Instant.ofEpochMilli(e.start()),
        other == null ? null : Instant.ofEpochMilli(other.start()),
        e.level(),
        other == null ? null : other.level(),
        other == null ? null : Duration.ofMillis(e.start() - other.start()).toSeconds() / 60.0);
  }

  /** The comparison as a console table, its columns as wide as their longest value or heading. */
  public static void print(Comparison c, PrintWriter out) {
    out.printf(
        "Alert episodes %s to %s: %s %d, %s %d; %d added, %d removed, %d in both%s%n",
        c.from(),
        c.to(),
        c.run(),
        c.episodes(),
        c.otherRun(),
        c.otherEpisodes(),
        c.added(),
        c.removed(),
        c.inBoth(),
        c.medianRaisedMinutesLater() == null
            ? ""
            : String.format(
                " (median: raised %.0f min %s)",
                Math.abs(c.medianRaisedMinutesLater()),
                c.medianRaisedMinutesLater() <= 0 ? "earlier" : "later"));
    int service = width("service", c.levels().stream().map(LevelCount::service).toList());
    int district = width("district", c.levels().stream().map(LevelCount::district).toList());
    String row =
        "  %-"
            + service
            + "s %-"
            + district
            + "s %5s %"
            + c.run().length()
            + "s %"
            + c.otherRun().length()
            + "s%n";
    out.printf(row, "service", "district", "level", c.run(), c.otherRun());
    for (LevelCount l : c.levels()) {
      out.printf(row, l.service(), l.district(), l.level(), l.thisRun(), l.otherRun());
    }
  }

  private static int width(String heading, List<String> values) {
    return Math.max(heading.length(), values.stream().mapToInt(String::length).max().orElse(0));
  }

  /**
   * A replay's closing line: the records read, and apart from each other the distinct events
   * counted and the records set aside (a producer's retries are in the archive and the topics).
   */
  public static String replayed(
      long records, long events, long duplicates, long deadLetters, long late, double seconds) {
    return String.format(
        "Replayed %,d records in %.1f s (%,.0f records/s): %,d distinct events counted; set aside "
            + "%,d duplicates, %,d dead letters, %,d late",
        records, seconds, records / seconds, events, duplicates, deadLetters, late);
  }

  /** Whether a run wrote any demand in [from, to]: without, there is nothing to compare with. */
  public static boolean wroteDemand(InfluxConnection influx, String run, Instant from, Instant to)
      throws IOException {
    return !influx
        .select("SELECT * FROM \"demand\" WHERE " + runAndRange(run, from, to) + " LIMIT 1")
        .isEmpty();
  }

  private static String runAndRange(String run, Instant from, Instant to) {
    return "\"run\" = '"
        + run.replace("'", "\\'")
        + "' AND time >= "
        + from.toEpochMilli()
        + "ms AND time <= "
        + to.toEpochMilli()
        + "ms";
  }

  /** Writes comparison.json, levels.csv and episodes.csv into {@code dir}. */
  public static void write(Comparison c, Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper json =
        new ObjectMapper()
            .findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(dir.resolve("comparison.json").toFile(), c);
    CsvMapper csv = new CsvMapper();
    csv.findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    csv.writer(csv.schemaFor(LevelCount.class).withHeader().sortedBy(columns(LevelCount.class)))
        .writeValue(dir.resolve("levels.csv").toFile(), c.levels());
    csv.writer(csv.schemaFor(EpisodeRow.class).withHeader().sortedBy(columns(EpisodeRow.class)))
        .writeValue(dir.resolve("episodes.csv").toFile(), c.episodeRows());
  }

  /** A record's components in declaration order, for the CSV columns. */
  private static String[] columns(Class<? extends Record> type) {
    return java.util.Arrays.stream(type.getRecordComponents())
        .map(java.lang.reflect.RecordComponent::getName)
        .toArray(String[]::new);
  }
}
