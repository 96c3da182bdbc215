package io.demandmonitor.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.demandmonitor.evaluate.Scoring.AlertChange;
import io.demandmonitor.evaluate.Scoring.ClassSummary;
import io.demandmonitor.evaluate.Scoring.FalseAlerts;
import io.demandmonitor.evaluate.Scoring.Incident;
import io.demandmonitor.evaluate.Scoring.ScoredEpisode;
import io.demandmonitor.evaluate.Scoring.SurgeResult;
import io.demandmonitor.simulate.Surge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scoring of an evaluation on hand-made alert changes: episodes, detection, time to detect,
 * false alerts.
 */
class ScoringTest {

  private static final Instant T0 = Instant.parse("2026-01-12T09:00:00Z");
  private static final String SAFEGUARDING = "safeguarding-contacts";

  /**
   * A Stevenage safeguarding surge from T0: 15 min rise, 3 h hold, detectable up to the end of the
   * hold + 2 h.
   */
  private static final SurgePlan.Placed STEVENAGE =
      new SurgePlan.Placed(
          "sharp-1",
          "sharp",
          new Surge(
              "sharp-1",
              SAFEGUARDING,
              List.of("STEVENAGE"),
              T0,
              Duration.ofMinutes(15),
              Duration.ofHours(3),
              3,
              2),
          T0,
          T0.plus(Duration.ofMinutes(15 + 180 + 120)));

  private static long at(double hoursAfterT0) {
    return T0.toEpochMilli() + Math.round(hoursAfterT0 * 3_600_000);
  }

  private static List<AlertChange> episode(
      String service, String area, String rule, double raised, Double resolved, int... levels) {
    String id = service + "/" + area + "/" + rule + "/" + Instant.ofEpochMilli(at(raised));
    List<AlertChange> changes = new ArrayList<>();
    changes.add(
        new AlertChange(
            id, service, area, "THRESHOLD", levels[0], "RAISED", at(raised), at(raised)));
    for (int i = 1; i < levels.length; i++) { // a level change every 10 minutes
      changes.add(
          new AlertChange(
              id,
              service,
              area,
              "THRESHOLD",
              levels[i],
              levels[i] > levels[i - 1] ? "ESCALATED" : "DE_ESCALATED",
              at(raised),
              at(raised + i / 6.0)));
    }
    if (resolved != null) {
      changes.add(
          new AlertChange(id, service, area, "THRESHOLD", 1, "RESOLVED", at(raised), at(resolved)));
    }
    return changes;
  }

  private static SurgeResult scoreOne(List<AlertChange> changes) {
    return Scoring.score(1, List.of(STEVENAGE), Scoring.episodes(changes), null).get(0);
  }

  @Test
  void changesFoldIntoEpisodesWithTheirHighestLevelAndWhenTheyReachedLevelThree() {
    List<AlertChange> changes =
        new ArrayList<>(
            episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 1, 4.0, 2, 3, 2));
    changes.addAll(episode(SAFEGUARDING, "WATFORD", "safeguarding-1h-count", 2, null, 2));
    java.util.Collections.reverse(changes); // arrival order does not matter
    List<ScoredEpisode> episodes = Scoring.episodes(changes);

    assertThat(episodes).hasSize(2);
    ScoredEpisode stevenage = episodes.get(0);
    assertThat(stevenage.area()).isEqualTo("STEVENAGE");
    assertThat(stevenage.rule()).isEqualTo("safeguarding-1h-count");
    assertThat(stevenage.maxLevel()).isEqualTo(3);
    assertThat(stevenage.start()).isEqualTo(at(1));
    assertThat(stevenage.end()).isEqualTo(at(4));
    assertThat(stevenage.reachedLevel3At()).isEqualTo(at(1 + 1 / 6.0));
    ScoredEpisode watford = episodes.get(1);
    assertThat(watford.end()).as("still open").isEqualTo(Long.MAX_VALUE);
    assertThat(watford.reachedLevel3At()).as("never reached 3").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aRaiseWithdrawnAtOnceAndSilentFeedsAreNoEpisodes() {
    List<AlertChange> changes =
        new ArrayList<>(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 1, 1.0, 2));
    changes.add(
        new AlertChange(
            "safeguarding-contacts/COUNTY/safeguarding-feed-silent/x",
            SAFEGUARDING,
            "COUNTY",
            "FEED_SILENT",
            3,
            "RAISED",
            at(1),
            at(1)));
    assertThat(Scoring.episodes(changes)).isEmpty();
  }

  @Test
  void anEpisodeOfTheSurgesDistrictDuringTheSurgeDetectsItAndTimesItFromTheSurgesStart() {
    SurgeResult result =
        scoreOne(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-baseline", 1.25, 3.0, 2, 3));
    assertThat(result.detected()).isTrue();
    assertThat(result.hoursToDetect()).isCloseTo(1.25, within(1e-9));
    assertThat(result.firstAlert()).isEqualTo(Instant.ofEpochMilli(at(1.25)));
    assertThat(result.episodes()).isEqualTo(1);
    assertThat(result.maxLevel()).isEqualTo(3);
    assertThat(result.rules()).containsExactly("safeguarding-1h-baseline");
  }

  @Test
  void theCountyCountsForAnyDistrictAndEveryMatchingEpisodeIsCounted() {
    List<AlertChange> changes =
        new ArrayList<>(episode(SAFEGUARDING, "COUNTY", "safeguarding-1h-count", 2, 3.0, 2));
    changes.addAll(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 0.5, 1.0, 2));
    changes.addAll(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 1.5, 4.0, 2));
    SurgeResult result = scoreOne(changes);
    assertThat(result.detected()).isTrue();
    assertThat(result.episodes()).isEqualTo(3);
    assertThat(result.hoursToDetect()).as("the first of them").isCloseTo(0.5, within(1e-9));
  }

  @Test
  void anotherDistrictAnotherServiceOrAnAlertAfterTheWindowDetectsNothing() {
    List<AlertChange> changes =
        new ArrayList<>(episode(SAFEGUARDING, "WATFORD", "safeguarding-1h-count", 1, 3.0, 3));
    changes.addAll(episode("helpline-calls", "STEVENAGE", "helpline-1h-count", 1, 3.0, 3));
    changes.addAll(
        episode(
            SAFEGUARDING,
            "STEVENAGE",
            "safeguarding-1h-count",
            5.3,
            6.0,
            2)); // window ends at 5.25 h
    changes.addAll(
        episode(
            SAFEGUARDING,
            "STEVENAGE",
            "safeguarding-1h-count",
            -3,
            -1.0,
            2)); // over before it began
    SurgeResult result = scoreOne(changes);
    assertThat(result.detected()).isFalse();
    assertThat(result.hoursToDetect()).isNull();
    assertThat(result.episodes()).isZero();
    assertThat(result.firstAlert()).isNull();
  }

  @Test
  void anEpisodeAlreadyActiveWhenTheSurgeBeginsDetectsItAtOnce() {
    SurgeResult result =
        scoreOne(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", -1, 2.0, 2));
    assertThat(result.detected()).isTrue();
    assertThat(result.hoursToDetect()).isZero();
  }

  @Test
  void aGradualSurgeIsDetectableUpToItsDetectWithinAfterTheEndOfItsRise() {
    EvaluationConfig.SurgeClass gradual =
        new EvaluationConfig.SurgeClass(
            1,
            "district",
            List.of(1.5, 1.5),
            List.of(0.0, 0.0),
            List.of(Duration.ofDays(3), Duration.ofDays(3)),
            List.of(Duration.ofDays(1), Duration.ofDays(1)),
            Duration.ofHours(24),
            null,
            null);
    assertThat(gradual.detectionSpan(Duration.ofDays(3), Duration.ofDays(1), Duration.ofHours(2)))
        .isEqualTo(Duration.ofDays(4));
    EvaluationConfig.SurgeClass sharp =
        new EvaluationConfig.SurgeClass(
            1,
            "district",
            List.of(2.0, 2.0),
            List.of(0.0, 0.0),
            List.of(Duration.ofMinutes(15), Duration.ofMinutes(15)),
            List.of(Duration.ofHours(3), Duration.ofHours(3)),
            null,
            null,
            null);
    assertThat(
            sharp.detectionSpan(Duration.ofMinutes(15), Duration.ofHours(3), Duration.ofHours(2)))
        .as("rise, hold and grace")
        .isEqualTo(Duration.ofMinutes(15 + 180 + 120));
  }

  @Test
  void incidentsAreCountedPerSurgeWhenThePipelineEmitsThem() {
    List<ScoredEpisode> episodes =
        Scoring.episodes(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 1, 3.0, 2));
    List<Incident> incidents =
        List.of(
            new Incident(
                "i1", SAFEGUARDING, Set.of("STEVENAGE", "COUNTY"), at(1), at(4), 3, at(2), 1),
            new Incident(
                "i2", SAFEGUARDING, Set.of("WATFORD"), at(1), at(4), 2, Long.MAX_VALUE, 0));
    SurgeResult scored = Scoring.score(1, List.of(STEVENAGE), episodes, incidents).get(0);
    assertThat(scored.incidents()).as("i1 touches Stevenage, i2 does not").isEqualTo(1);
    assertThat(scored.incidentIds()).as("named in the JSON, for analysts").containsExactly("i1");
    assertThat(Scoring.score(1, List.of(STEVENAGE), episodes, null).get(0).incidents()).isNull();
  }

  @Test
  void incidentChangesFoldIntoIncidentsWithTheirAreasPeakAndNotifications() {
    String id = SAFEGUARDING + "/" + Instant.ofEpochMilli(at(1));
    List<Scoring.IncidentChange> changes =
        List.of(
            new Scoring.IncidentChange(
                id, SAFEGUARDING, "OPENED", 2, 2, List.of("STEVENAGE"), at(1), null, at(1)),
            new Scoring.IncidentChange(
                id,
                SAFEGUARDING,
                "UPDATED",
                3,
                3,
                List.of("COUNTY", "STEVENAGE"),
                at(1),
                null,
                at(1.5)),
            new Scoring.IncidentChange(
                id,
                SAFEGUARDING,
                "UPDATED",
                4,
                4,
                List.of("COUNTY", "STEVENAGE"),
                at(1),
                null,
                at(2)),
            new Scoring.IncidentChange(
                id,
                SAFEGUARDING,
                "UPDATED",
                1,
                4,
                List.of("COUNTY", "STEVENAGE"),
                at(1),
                at(3),
                at(3)),
            new Scoring.IncidentChange(
                id,
                SAFEGUARDING,
                "CLOSED",
                1,
                4,
                List.of("COUNTY", "STEVENAGE"),
                at(1),
                at(3),
                at(4)));
    String quiet = "helpline-calls/" + Instant.ofEpochMilli(at(5));
    List<Scoring.IncidentChange> more = new ArrayList<>(changes);
    more.add(
        new Scoring.IncidentChange(
            quiet, "helpline-calls", "OPENED", 3, 3, List.of("COUNTY"), at(5), null, at(5)));
    java.util.Collections.reverse(more);
    List<Incident> incidents = Scoring.incidents(more);

    assertThat(incidents).hasSize(2);
    Incident surge = incidents.get(0);
    assertThat(surge.areas()).containsExactly("COUNTY", "STEVENAGE");
    assertThat(surge.maxLevel()).isEqualTo(4);
    assertThat(surge.end()).as("its last episode resolved").isEqualTo(at(3));
    assertThat(surge.reachedLevel3At()).isEqualTo(at(1.5));
    assertThat(surge.notifications()).as("on reaching 3, and again on reaching 4").isEqualTo(2);
    Incident open = incidents.get(1);
    assertThat(open.end()).isEqualTo(Long.MAX_VALUE);
    assertThat(open.notifications()).isEqualTo(1);

    FalseAlerts f = Scoring.falseAlerts(List.of(), incidents, T0, T0.plus(Duration.ofDays(7)), 44);
    assertThat(f.incidents()).isEqualTo(2);
    assertThat(f.incidentNotifications()).isEqualTo(3);
    assertThat(f.incidentNotificationsPerWeek()).isEqualTo(3.0);
  }

  @Test
  void anAlertTheSurgeFreeCopyAlsoRaisedIsNoNewAlert() {
    List<AlertChange> surged =
        new ArrayList<>(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 1, 3.0, 2));
    List<ScoredEpisode> surgeFree =
        Scoring.episodes(episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", 1.5, 2.0, 2));
    SurgeResult anyway =
        Scoring.score(1, List.of(STEVENAGE), Scoring.episodes(surged), null, surgeFree).get(0);
    assertThat(anyway.detected()).isTrue();
    assertThat(anyway.detectedByNewAlerts())
        .as("the same series raised an overlapping episode without the surge")
        .isFalse();
    surged.addAll(episode(SAFEGUARDING, "COUNTY", "safeguarding-1h-baseline", 2, 3.0, 2));
    SurgeResult withNew =
        Scoring.score(1, List.of(STEVENAGE), Scoring.episodes(surged), null, surgeFree).get(0);
    assertThat(withNew.detectedByNewAlerts()).isTrue();
    assertThat(
            Scoring.score(1, List.of(STEVENAGE), Scoring.episodes(surged), null)
                .get(0)
                .detectedByNewAlerts())
        .as("unknown without a surge-free run")
        .isNull();
  }

  @Test
  void classSummariesGiveTheShareDetectedTheMedianTimeAndEpisodesPerDetectedSurge() {
    List<SurgeResult> results = new ArrayList<>();
    double[] hours = {0.5, 1.5, 1.0, 3.0};
    int[] episodes = {1, 2, 1, 4};
    for (int i = 0; i < hours.length; i++) {
      results.add(result("sharp", true, hours[i], episodes[i]));
    }
    results.add(result("sharp", false, null, 0));
    results.add(result("night", false, null, 0));
    List<ClassSummary> summaries = Scoring.summarise(List.of("sharp", "night"), results);

    ClassSummary sharp = summaries.get(0);
    assertThat(sharp.surges()).isEqualTo(5);
    assertThat(sharp.detected()).isEqualTo(4);
    assertThat(sharp.detectedShare()).isEqualTo(0.8);
    assertThat(sharp.medianHoursToDetect()).isEqualTo(1.25);
    assertThat(sharp.p90HoursToDetect()).isEqualTo(3.0);
    assertThat(sharp.episodesPerDetected()).isEqualTo(2.0);
    assertThat(sharp.incidentsPerDetected()).isNull();
    ClassSummary night = summaries.get(1);
    assertThat(night.detected()).isZero();
    assertThat(night.medianHoursToDetect()).isNull();
    assertThat(night.episodesPerDetected()).isNull();
  }

  @Test
  void falseAlertsArePerServiceAreaMonthByLevelAndNotificationsPerWeek() {
    Instant from = T0;
    Instant to =
        T0.plus(Duration.ofMinutes(Math.round(Scoring.DAYS_PER_MONTH * 24 * 60))); // one month
    List<AlertChange> changes = new ArrayList<>();
    for (int i = 0; i < 22; i++) { // 22 episodes at level 2, 2 of them reaching 3
      changes.addAll(
          episode(
              SAFEGUARDING,
              "STEVENAGE",
              "safeguarding-1h-count",
              10 * i + 1,
              10 * i + 2.0,
              i < 2 ? new int[] {2, 3} : new int[] {2}));
    }
    changes.addAll(
        episode(
            "helpline-calls", "COUNTY", "helpline-1h-abandoned", -5, -4.0, 3)); // before the period
    FalseAlerts f = Scoring.falseAlerts(Scoring.episodes(changes), null, from, to, 44);

    assertThat(f.episodes()).isEqualTo(22);
    assertThat(f.perServiceAreaMonth()).isCloseTo(0.5, within(1e-3));
    assertThat(f.episodesLevel3()).isEqualTo(2);
    assertThat(f.perServiceAreaMonthLevel3()).isCloseTo(2 / 44.0, within(1e-3));
    assertThat(f.notifications()).isEqualTo(2);
    assertThat(f.notificationsPerWeek()).isCloseTo(2 / (Scoring.DAYS_PER_MONTH / 7), within(1e-3));
    assertThat(f.episodesByRule())
        .containsEntry("safeguarding-contacts safeguarding-1h-count", 22)
        .hasSize(1);
    assertThat(f.incidents()).isNull();

    FalseAlerts twice = Scoring.combine(List.of(f, f));
    assertThat(twice.episodes()).isEqualTo(44);
    assertThat(twice.days()).isCloseTo(2 * Scoring.DAYS_PER_MONTH, within(1e-6));
    assertThat(twice.perServiceAreaMonth())
        .as("a rate: the same over twice the time")
        .isCloseTo(0.5, within(1e-3));
  }

  @Test
  void anEpisodeRaisedAtLevelTwoAndEscalatedToThreeInThePeriodIsOneNotification() {
    // Raised before the period at 2, escalated to 3 inside it: not a false episode of the period,
    // but a notification.
    List<AlertChange> changes =
        episode(SAFEGUARDING, "STEVENAGE", "safeguarding-1h-count", -0.1, 1.0, 2, 3);
    FalseAlerts f =
        Scoring.falseAlerts(Scoring.episodes(changes), null, T0, T0.plus(Duration.ofDays(7)), 44);
    assertThat(f.episodes()).isZero();
    assertThat(f.notifications()).isEqualTo(1);
  }

  private static SurgeResult result(
      String surgeClass, boolean detected, Double hours, int episodes) {
    return new SurgeResult(
        1,
        surgeClass + "-x",
        surgeClass,
        SAFEGUARDING,
        List.of("STEVENAGE"),
        T0,
        T0,
        T0,
        T0,
        T0,
        2,
        0,
        detected,
        detected ? T0 : null,
        hours,
        episodes,
        null,
        null,
        detected ? 2 : 0,
        List.of(),
        null);
  }
}
