package io.demandmonitor.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching episodes of two runs: same rule and series, overlapping in time. */
class ReplayReportTest {

  private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;

  @Test
  void episodesMatchByRuleSeriesAndOverlapAndTheRestAreAddedOrRemoved() {
    List<ReplayReport.ReportedEpisode> mine =
        List.of(
            episode("Stevenage", "count", 0, 60, 3), // overlaps theirs, raised 10 min earlier
            episode("Stevenage", "count", 300, 320, 2), // nothing of theirs then: added
            episode("Watford", "count", 0, 60, 2)); // another series: added
    List<ReplayReport.ReportedEpisode> theirs =
        List.of(
            episode("Stevenage", "count", 10, 50, 2),
            episode("Stevenage", "abandoned_rate", 0, 60, 2), // another rule: removed
            episode("Stevenage", "count", 100, 120, 2)); // no overlap: removed

    ReplayReport.Comparison c =
        ReplayReport.compare(
            "what-if",
            mine,
            "live",
            theirs,
            Instant.ofEpochMilli(T0),
            Instant.ofEpochMilli(T0 + 1000 * MIN));

    assertThat(c.added()).isEqualTo(2);
    assertThat(c.removed()).isEqualTo(2);
    assertThat(c.inBoth()).isEqualTo(1);
    assertThat(c.medianRaisedMinutesLater()).isEqualTo(-10.0);
    assertThat(c.episodeRows())
        .filteredOn(r -> r.status().equals("IN_BOTH"))
        .singleElement()
        .satisfies(r -> assertThat(List.of(r.level(), r.otherLevel())).containsExactly(3, 2));
    assertThat(c.levels())
        .contains(
            new ReplayReport.LevelCount("safeguarding-contacts", "Stevenage", 2, 1, 3),
            new ReplayReport.LevelCount("safeguarding-contacts", "Stevenage", 3, 1, 0));
  }

  @Test
  void oneLongEpisodeCoveringTwoShortOnesIsInBothAndRemovesNothing() {
    ReplayReport.Comparison c =
        ReplayReport.compare(
            "what-if",
            List.of(episode("Stevenage", "count", 0, 200, 2)),
            "live",
            List.of(
                episode("Stevenage", "count", 10, 50, 2),
                episode("Stevenage", "count", 100, 120, 2)),
            Instant.ofEpochMilli(T0),
            Instant.ofEpochMilli(T0 + 1000 * MIN));

    assertThat(List.of(c.inBoth(), c.added(), c.removed())).containsExactly(1, 0, 0);
  }

  @Test
  void theTableNamesBothRunsInFullAndItsColumnsLineUp() {
    List<ReplayReport.ReportedEpisode> mine =
        List.of(
            episode("North Hertfordshire", "count", 0, 60, 2),
            episode("Stevenage", "count", 100, 160, 3));
    ReplayReport.Comparison c =
        ReplayReport.compare(
            "lower-safeguarding",
            mine,
            "baseline-2026",
            List.of(episode("Stevenage", "count", 100, 150, 2)),
            Instant.ofEpochMilli(T0),
            Instant.ofEpochMilli(T0 + 1000 * MIN));
    java.io.StringWriter text = new java.io.StringWriter();
    ReplayReport.print(c, new java.io.PrintWriter(text, true));

    List<String> table = text.toString().lines().skip(1).toList();
    assertThat(table.get(0))
        .isEqualTo(
            "  service               district            level lower-safeguarding baseline-2026");
    assertThat(table)
        .hasSize(4)
        .allSatisfy(row -> assertThat(row).hasSameSizeAs(table.get(0)))
        .contains(
            "  safeguarding-contacts North Hertfordshire     2                  1             0");
  }

  @Test
  void distinctEventsAndWhatWasSetAsideAreCountedApart() {
    assertThat(ReplayReport.replayed(456_913, 452_431, 4_482, 0, 0, 52.0))
        .isEqualTo(
            "Replayed 456,913 records in "
                + "52.0 s (8,787 records/s): 452,431 distinct events counted; set aside 4,482 duplicates, 0 dead letters, 0 late");
  }

  private static ReplayReport.ReportedEpisode episode(
      String district, String measure, long from, long to, int level) {
    return new ReplayReport.ReportedEpisode(
        "safeguarding-contacts",
        district,
        "THRESHOLD",
        measure,
        "PT1H",
        T0 + from * MIN,
        T0 + to * MIN,
        level);
  }
}
