package io.demandmonitor.evaluate;

import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How an evaluation scores alerts: alert changes folded into episodes; each injected surge detected
 * or not, how soon, by how many episodes (and incidents, when the pipeline groups episodes into
 * incidents); and false alerts of a surge-free run per service-area-month and per week.
 *
 * <p>Definitions (docs/alerting.md, "Measuring detection: evaluate"):
 *
 * <ul>
 *   <li>A surge is <b>detected</b> when an episode of its service, at level 2 or more, in an area
 *       it touches (a district of the surge, or the county, which counts for any district) is
 *       raised or active between the surge's start and the end of its detection window (the end of
 *       its hold plus the grace, or for a class with {@code detect-within}, that long after the end
 *       of its rise).
 *   <li><b>Time to detect</b>: from the surge's start (the start of its rise) to the first such
 *       episode's raise; 0 if one was already active when the surge began.
 *   <li><b>Episodes per detected surge</b>: how many such episodes (any rule, any touched area).
 *   <li><b>False alerts</b>, on a surge-free run: episodes raised in the scored period, per
 *       service-area (each service in each district and in the county) and month (30.44 days),
 *       counted at level 2 or more (every episode) and at level 3 or more (episodes that reached
 *       3).
 *   <li><b>Notifications</b>: episodes that reach level 3 or more (raised at 3 or more, or
 *       escalated to it), each counted once, when it first reaches 3: what is routed to the
 *       resilience team. Episodes per week at level 2 or more are reported beside them.
 * </ul>
 *
 * Silent-feed alerts are not demand surges and are left out (a replay raises none anyway).
 */
public final class Scoring {

  public static final String COUNTY = "COUNTY";
  static final double DAYS_PER_MONTH = 365.25 / 12;
  private static final long NEVER = Long.MAX_VALUE;

  private Scoring() {}

  /**
   * One change of an alert episode, as the pipeline publishes it (a {@link SurgeAlert}), kept as
   * plain values.
   */
  public record AlertChange(
      String alertId,
      String service,
      String area,
      String detector,
      int level,
      String state,
      long episodeStart,
      long changedAt) {

    public static AlertChange of(SurgeAlert a) {
      return new AlertChange(
          a.getAlertId(),
          a.getService(),
          a.getDistrict(),
          a.getDetector(),
          a.getLevel(),
          a.getState().name(),
          a.getEpisodeStart().toEpochMilli(),
          a.getChangedAt().toEpochMilli());
    }
  }

  /**
   * One alert episode: raised at {@code start}, resolved at {@code end} ({@link Long#MAX_VALUE}
   * while open), the highest level it reached, and when it first reached level 3 (or never).
   */
  public record ScoredEpisode(
      String alertId,
      String service,
      String area,
      String rule,
      long start,
      long end,
      int maxLevel,
      long reachedLevel3At) {

    public boolean activeBetween(long from, long until) {
      return start <= until && end >= from;
    }
  }

  /**
   * One change of an incident, as the pipeline publishes it (a {@link SurgeIncident}), kept as
   * plain values.
   */
  public record IncidentChange(
      String incidentId,
      String service,
      String state,
      int level,
      int peakLevel,
      List<String> areas,
      long start,
      Long quietSince,
      long changedAt) {

    public static IncidentChange of(SurgeIncident i) {
      return new IncidentChange(
          i.getIncidentId(),
          i.getService(),
          i.getState().name(),
          i.getLevel(),
          i.getPeakLevel(),
          List.copyOf(i.getAreas()),
          i.getStart().toEpochMilli(),
          i.getQuietSince() == null ? null : i.getQuietSince().toEpochMilli(),
          i.getChangedAt().toEpochMilli());
    }
  }

  /**
   * One incident (the episodes of one surge of a service grouped): opened at {@code start}, its
   * last episode resolved at {@code end} ({@link Long#MAX_VALUE} while one is open), every area it
   * covered, its peak level, when that first reached 3, and the notifications it gave: Grafana
   * notifies when an incident reaches level 3, and again when it then reaches 4
   * (docs/dashboards.md).
   */
  public record Incident(
      String id,
      String service,
      Set<String> areas,
      long start,
      long end,
      int maxLevel,
      long reachedLevel3At,
      int notifications) {}

  /** What became of one injected surge. */
  public record SurgeResult(
      long seed,
      String id,
      String surgeClass,
      String service,
      List<String> districts,
      Instant start,
      Instant peakStart,
      Instant peakEnd,
      Instant end,
      Instant detectUntil,
      double size,
      double extraPerHour,
      boolean detected,
      Instant firstAlert,
      Double hoursToDetect,
      int episodes,
      Integer incidents,
      List<String> incidentIds,
      int maxLevel,
      List<String> rules,
      Boolean detectedByNewAlerts) {}

  /** Detection of one class of surges over every seed. */
  public record ClassSummary(
      String surgeClass,
      int surges,
      int detected,
      double detectedShare,
      Double medianHoursToDetect,
      Double p90HoursToDetect,
      Double episodesPerDetected,
      Double incidentsPerDetected,
      Integer detectedAsOneIncident,
      Integer detectedByChance,
      Integer detectedByNewAlerts) {}

  /**
   * False alerts of a surge-free run (or several: counts and days add up).
   *
   * @param incidents null when the pipeline emits no incidents
   */
  public record FalseAlerts(
      double days,
      int serviceAreas,
      int episodes,
      int episodesLevel3,
      int notifications,
      double perServiceAreaMonth,
      double perServiceAreaMonthLevel3,
      double episodesPerWeek,
      double notificationsPerWeek,
      Integer incidents,
      Double incidentsPerWeek,
      Integer incidentNotifications,
      Double incidentNotificationsPerWeek,
      Map<String, Integer> episodesByRule) {}

  /**
   * The episodes of these alert changes, in order of raise; silent-feed alerts and withdrawn raises
   * left out.
   */
  public static List<ScoredEpisode> episodes(Collection<AlertChange> changes) {
    Map<String, List<AlertChange>> byEpisode = new TreeMap<>();
    changes.stream()
        .filter(c -> !"FEED_SILENT".equals(c.detector()))
        .forEach(c -> byEpisode.computeIfAbsent(c.alertId(), id -> new ArrayList<>()).add(c));
    List<ScoredEpisode> episodes = new ArrayList<>();
    for (List<AlertChange> list : byEpisode.values()) {
      list.sort(
          Comparator.comparingLong(AlertChange::changedAt)
              .thenComparing(
                  c ->
                      "RESOLVED"
                          .equals(c.state()))); // a resolution after a change at the same time
      AlertChange first = list.get(0);
      long end = NEVER;
      int level = 0;
      long level3 = NEVER;
      for (AlertChange c : list) {
        if ("RESOLVED".equals(c.state())) {
          end = c.changedAt();
        } else {
          level = Math.max(level, c.level());
          if (c.level() >= 3 && level3 == NEVER) {
            level3 = c.changedAt();
          }
        }
      }
      if (end == first.episodeStart() || level < 2) {
        continue; // raised on a provisional value and withdrawn at once: a replay never sees those
      }
      episodes.add(
          new ScoredEpisode(
              first.alertId(),
              first.service(),
              first.area(),
              rule(first.alertId()),
              first.episodeStart(),
              end,
              level,
              level3));
    }
    episodes.sort(
        Comparator.comparingLong(ScoredEpisode::start).thenComparing(ScoredEpisode::alertId));
    return episodes;
  }

  /** The incidents of these incident changes, in order of opening. */
  public static List<Incident> incidents(Collection<IncidentChange> changes) {
    Map<String, List<IncidentChange>> byIncident = new TreeMap<>();
    changes.forEach(
        c -> byIncident.computeIfAbsent(c.incidentId(), id -> new ArrayList<>()).add(c));
    List<Incident> incidents = new ArrayList<>();
    for (List<IncidentChange> list : byIncident.values()) {
      list.sort(
          Comparator.comparingLong(IncidentChange::changedAt)
              .thenComparingInt(c -> c.state().equals("CLOSED") ? 1 : 0));
      Set<String> areas = new TreeSet<>();
      int peak = 0;
      long level3 = NEVER;
      long level4 = NEVER;
      long end = NEVER;
      for (IncidentChange c : list) {
        areas.addAll(c.areas());
        peak = Math.max(peak, c.peakLevel());
        if (c.peakLevel() >= 3 && level3 == NEVER) {
          level3 = c.changedAt();
        }
        if (c.peakLevel() >= 4 && level4 == NEVER) {
          level4 = c.changedAt();
        }
        if (c.level() <= 1 || c.state().equals("CLOSED")) {
          end =
              c.quietSince() != null
                  ? c.quietSince()
                  : c.changedAt(); // quiet: its last episode resolved
        } else {
          end = NEVER;
        }
      }
      int notifications = level3 == NEVER ? 0 : level4 != NEVER && level4 > level3 ? 2 : 1;
      IncidentChange first = list.get(0);
      incidents.add(
          new Incident(
              first.incidentId(),
              first.service(),
              areas,
              first.start(),
              end,
              peak,
              level3,
              notifications));
    }
    incidents.sort(Comparator.comparingLong(Incident::start).thenComparing(Incident::id));
    return incidents;
  }

  /** The rule id in an alert id {@code service/area/rule-id/start}. */
  static String rule(String alertId) {
    String[] parts = alertId.split("/");
    return parts.length >= 4 ? parts[2] : alertId;
  }

  /**
   * What became of each surge, given the episodes of the run they were injected in.
   *
   * @param incidents null when the pipeline emits no incidents
   */
  public static List<SurgeResult> score(
      long seed,
      List<SurgePlan.Placed> surges,
      List<ScoredEpisode> episodes,
      List<Incident> incidents) {
    return score(seed, surges, episodes, incidents, null);
  }

  /**
   * The same, also saying whether each surge was detected by a new alert: an episode with no
   * episode of the same rule and series overlapping it in {@code surgeFree}, the run with the same
   * base demand and no surges (null: not known). An alert that would have happened anyway then
   * detects nothing.
   */
  public static List<SurgeResult> score(
      long seed,
      List<SurgePlan.Placed> surges,
      List<ScoredEpisode> episodes,
      List<Incident> incidents,
      List<ScoredEpisode> surgeFree) {
    List<SurgeResult> results = new ArrayList<>();
    for (SurgePlan.Placed p : surges) {
      long from = p.detectFrom().toEpochMilli();
      long until = p.detectUntil().toEpochMilli();
      List<ScoredEpisode> matching =
          episodes.stream()
              .filter(
                  e ->
                      e.service().equals(p.service())
                          && p.touches(e.area())
                          && e.activeBetween(from, until))
              .toList();
      List<String> incidentIds =
          incidents == null
              ? null
              : incidents.stream()
                  .filter(
                      i ->
                          i.service().equals(p.service())
                              && i.areas().stream().anyMatch(p::touches)
                              && i.start() <= until
                              && i.end() >= from)
                  .map(Incident::id)
                  .toList();
      boolean detected = !matching.isEmpty();
      long first = matching.stream().mapToLong(ScoredEpisode::start).min().orElse(NEVER);
      Double hours = detected ? Math.max(0, first - from) / 3_600_000.0 : null;
      Boolean byNew =
          surgeFree == null
              ? null
              : matching.stream()
                  .anyMatch(
                      e ->
                          surgeFree.stream()
                              .noneMatch(
                                  o ->
                                      o.service().equals(e.service())
                                          && o.area().equals(e.area())
                                          && o.rule().equals(e.rule())
                                          && o.start() <= e.end()
                                          && o.end() >= e.start()));
      results.add(
          new SurgeResult(
              seed,
              p.id(),
              p.surgeClass(),
              p.service(),
              p.surge().districts(),
              p.surge().start(),
              p.surge().peakStart(),
              p.surge().peakEnd(),
              p.surge().end(),
              p.detectUntil(),
              p.surge().size(),
              p.surge().extraPerHour(),
              detected,
              detected ? Instant.ofEpochMilli(first) : null,
              hours,
              matching.size(),
              detected && incidentIds != null ? incidentIds.size() : null,
              detected ? incidentIds : null,
              matching.stream().mapToInt(ScoredEpisode::maxLevel).max().orElse(0),
              List.copyOf(new TreeSet<>(matching.stream().map(ScoredEpisode::rule).toList())),
              byNew));
    }
    return results;
  }

  /** Per class (in the order given), over every seed's results. */
  public static List<ClassSummary> summarise(List<String> classes, List<SurgeResult> results) {
    return summarise(classes, results, null);
  }

  /**
   * Per class, with how many of the same surge windows the surge-free run's episodes would have
   * "detected": alerts that happen to fall in a surge's window by chance (null if not known).
   */
  public static List<ClassSummary> summarise(
      List<String> classes, List<SurgeResult> results, List<SurgeResult> byChance) {
    List<ClassSummary> summaries = new ArrayList<>();
    for (String name : classes) {
      List<SurgeResult> mine = results.stream().filter(r -> r.surgeClass().equals(name)).toList();
      List<SurgeResult> detected = mine.stream().filter(SurgeResult::detected).toList();
      List<Double> hours = detected.stream().map(SurgeResult::hoursToDetect).sorted().toList();
      boolean withIncidents =
          detected.stream().allMatch(r -> r.incidents() != null) && !detected.isEmpty();
      summaries.add(
          new ClassSummary(
              name,
              mine.size(),
              detected.size(),
              mine.isEmpty() ? 0 : (double) detected.size() / mine.size(),
              quantile(hours, 0.5),
              quantile(hours, 0.9),
              detected.isEmpty()
                  ? null
                  : detected.stream().mapToInt(SurgeResult::episodes).average().orElse(0),
              withIncidents
                  ? detected.stream().mapToInt(SurgeResult::incidents).average().orElse(0)
                  : null,
              withIncidents
                  ? (int) detected.stream().filter(r -> r.incidents() == 1).count()
                  : null,
              byChance == null
                  ? null
                  : (int)
                      byChance.stream()
                          .filter(r -> r.surgeClass().equals(name) && r.detected())
                          .count(),
              mine.isEmpty() || mine.stream().anyMatch(r -> r.detectedByNewAlerts() == null)
                  ? null
                  : (int) mine.stream().filter(SurgeResult::detectedByNewAlerts).count()));
    }
    return summaries;
  }

  /**
   * False alerts of a surge-free run: episodes raised in [from, to).
   *
   * @param serviceAreas services times (districts + the county)
   * @param incidents null when the pipeline emits no incidents
   */
  public static FalseAlerts falseAlerts(
      List<ScoredEpisode> episodes,
      List<Incident> incidents,
      Instant from,
      Instant to,
      int serviceAreas) {
    long f = from.toEpochMilli();
    long t = to.toEpochMilli();
    List<ScoredEpisode> inRange =
        episodes.stream().filter(e -> e.start() >= f && e.start() < t).toList();
    Map<String, Integer> byRule = new TreeMap<>();
    inRange.forEach(e -> byRule.merge(e.service() + " " + e.rule(), 1, Integer::sum));
    int level3 = (int) inRange.stream().filter(e -> e.maxLevel() >= 3).count();
    int notifications =
        (int)
            episodes.stream()
                .filter(e -> e.reachedLevel3At() >= f && e.reachedLevel3At() < t)
                .count();
    Integer incidentCount =
        incidents == null
            ? null
            : (int) incidents.stream().filter(i -> i.start() >= f && i.start() < t).count();
    Integer incidentNotifications =
        incidents == null
            ? null
            : incidents.stream()
                .filter(i -> i.reachedLevel3At() >= f && i.reachedLevel3At() < t)
                .mapToInt(Incident::notifications)
                .sum();
    return falseAlerts(
        Duration.between(from, to).toMillis() / 86_400_000.0,
        serviceAreas,
        inRange.size(),
        level3,
        notifications,
        incidentCount,
        incidentNotifications,
        byRule);
  }

  /** Several runs' false alerts together (their days and counts add up). */
  public static FalseAlerts combine(List<FalseAlerts> runs) {
    Map<String, Integer> byRule = new TreeMap<>();
    runs.forEach(r -> r.episodesByRule().forEach((rule, n) -> byRule.merge(rule, n, Integer::sum)));
    boolean withIncidents = runs.stream().allMatch(r -> r.incidents() != null);
    return falseAlerts(
        runs.stream().mapToDouble(FalseAlerts::days).sum(),
        runs.get(0).serviceAreas(),
        runs.stream().mapToInt(FalseAlerts::episodes).sum(),
        runs.stream().mapToInt(FalseAlerts::episodesLevel3).sum(),
        runs.stream().mapToInt(FalseAlerts::notifications).sum(),
        withIncidents ? runs.stream().mapToInt(FalseAlerts::incidents).sum() : null,
        withIncidents ? runs.stream().mapToInt(FalseAlerts::incidentNotifications).sum() : null,
        byRule);
  }

  private static FalseAlerts falseAlerts(
      double days,
      int serviceAreas,
      int episodes,
      int level3,
      int notifications,
      Integer incidents,
      Integer incidentNotifications,
      Map<String, Integer> byRule) {
    double months = days / DAYS_PER_MONTH;
    double weeks = days / 7;
    Map<String, Integer> sorted = new LinkedHashMap<>();
    byRule.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return new FalseAlerts(
        days,
        serviceAreas,
        episodes,
        level3,
        notifications,
        months > 0 ? episodes / (serviceAreas * months) : 0,
        months > 0 ? level3 / (serviceAreas * months) : 0,
        weeks > 0 ? episodes / weeks : 0,
        weeks > 0 ? notifications / weeks : 0,
        incidents,
        incidents == null || weeks <= 0 ? null : incidents / weeks,
        incidentNotifications,
        incidentNotifications == null || weeks <= 0 ? null : incidentNotifications / weeks,
        sorted);
  }

  /** The q-quantile (nearest rank) of sorted values, or null if there are none. */
  static Double quantile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return null;
    }
    if (q == 0.5 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
