package io.demandmonitor.alerting;

import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.Problems;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.demand.WindowSettings;
import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The alert rules from config/alerts.yaml: thresholds on rolling values, seasonal-baseline surge
 * detection and silent feeds. Levels follow the OPEL scale (1 normal, 2 moderate, 3 severe, 4
 * extreme); every rule lists what it takes to reach levels 2, 3 and 4.
 */
public record AlertRules(
    String timeZone,
    Policy defaults,
    List<Threshold> thresholds,
    List<Baseline> baselines,
    List<Feed> feeds,
    Incidents incidents)
    implements Serializable {

  public static final String FILE = "alerts.yaml";
  public static final List<String> MEASURES =
      List.of("count", "rate_per_100k", "abandoned_rate", "positivity");

  /**
   * A rule id: lower-case words of letters and digits joined by hyphens, e.g.
   * safeguarding-1h-count.
   */
  private static final java.util.regex.Pattern RULE_ID =
      java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private static final int RULE_ID_MAX = 60;

  /**
   * A rule's cool-down (30m) plus its minimum duration (10m) and some: a district raised again as
   * soon as it may still joins.
   */
  public static final Duration DEFAULT_INCIDENT_GAP = Duration.ofMinutes(60);

  /** Rules without an {@code incidents} section, which then takes its defaults. */
  public AlertRules(
      String timeZone,
      Policy defaults,
      List<Threshold> thresholds,
      List<Baseline> baselines,
      List<Feed> feeds) {
    this(timeZone, defaults, thresholds, baselines, feeds, null);
  }

  /**
   * How episodes are grouped into incidents ({@link IncidentGrouper}): an episode raised within
   * {@code gap} after the last open episode of an incident resolved still joins it.
   */
  public record Incidents(Duration gap) implements Serializable {}

  /**
   * How an episode behaves: a higher level must hold for {@code minDuration} (event time) before it
   * is raised; a level holds until the value falls below {@code clearBelow} times its threshold
   * (hysteresis); after an episode resolves, the rule does not raise again for {@code coolDown}.
   * Any may be left out of a rule to take the defaults.
   */
  public record Policy(Duration minDuration, Double clearBelow, Duration coolDown)
      implements Serializable {

    Policy over(Policy defaults) {
      return new Policy(
          minDuration != null ? minDuration : defaults.minDuration,
          clearBelow != null ? clearBelow : defaults.clearBelow,
          coolDown != null ? coolDown : defaults.coolDown);
    }
  }

  /**
   * A fixed threshold on a measure of one service's rolling values over one horizon. {@code levels}
   * applies to every district, {@code county} to the county total (no county rule when absent),
   * {@code districts} overrides per district code. Values with fewer than {@code minCount} events
   * never alarm (ratios of tiny numbers are noise).
   */
  public record Threshold(
      String id,
      String service,
      Duration horizon,
      String measure,
      List<Double> levels,
      List<Double> county,
      Map<String, List<Double>> districts,
      Long minCount,
      Policy policy)
      implements Serializable {

    /**
     * The thresholds for levels 2, 3, 4 in an area (district code or COUNTY), or null if the rule
     * does not apply.
     */
    public double[] levelsFor(String area) {
      List<Double> chosen =
          SeriesEvent.COUNTY.equals(area)
              ? county
              : districts != null && districts.containsKey(area) ? districts.get(area) : levels;
      return chosen == null ? null : chosen.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public long minimumCount() {
      return minCount == null ? 0 : minCount;
    }
  }

  /**
   * Surge detection against a seasonal baseline, for every district and the county: the expected
   * count of a window of {@code horizon} (whole hours), from the same hours of the week, in term
   * time or school holidays, over the previous {@code weeks} weeks (at least {@code minWeeks} of
   * history, hours in alert left out); {@code levels} are how many standard deviations above
   * expected reach levels 2, 3, 4; fewer than {@code minCount} events in the window never alarm. An
   * hourly rule also sums the last 2, 4, ... hours up to {@code lookBack} (default 2 hours) and
   * takes the largest deviation of the windows that hold {@code minCount}. With {@code cusum}, an
   * hourly rule accumulates evidence instead ({@link Cusum}) and {@code levels} are its decision
   * intervals. {@code deviation} is {@code anscombe} (the default) or {@code exact}: how standard
   * deviations above expected are reckoned.
   */
  public record Baseline(
      String id,
      String service,
      Duration horizon,
      List<Double> levels,
      long minCount,
      int weeks,
      int minWeeks,
      Duration lookBack,
      Cusum cusum,
      String deviation,
      Policy policy)
      implements Serializable {

    public static final Duration DEFAULT_LOOK_BACK = Duration.ofHours(2);
    public static final List<String> DEVIATIONS = List.of("anscombe", "exact");

    /** Deviations from the exact Poisson or negative-binomial tail ({@link CountTail}). */
    public boolean exactDeviation() {
      return "exact".equals(deviation);
    }

    public double[] levelArray() {
      return levels.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** How many hours an hourly rule sums at most (1 for a rule on a longer horizon). */
    public int lookBackHours() {
      return horizon.equals(Duration.ofHours(1))
          ? (int) (lookBack == null ? DEFAULT_LOOK_BACK : lookBack).toHours()
          : 1;
    }
  }

  /**
   * A Poisson CUSUM on the hourly count against the baseline's expectation m, tuned to a rise to
   * {@code shift} times m: each final hour adds the log-likelihood ratio x ln(shift) - m (shift -
   * 1), divided by the learnt dispersion, to a sum that never falls below 0 and is capped at the
   * level-4 interval (so it falls back within hours once a surge ends). One sum per minute of the
   * hour, since the rolling hour ends every minute.
   */
  public record Cusum(double shift) implements Serializable {}

  /**
   * A feed that sends nothing for {@code silentAfter} raises FEED_SILENT at {@code level}, but only
   * between {@code activeFrom} and {@code activeTo} o'clock local time, when it normally sends.
   */
  public record Feed(
      String id, String service, Duration silentAfter, int activeFrom, int activeTo, int level)
      implements Serializable {

    public boolean activeAt(int hourOfDay) {
      return activeFrom <= activeTo
          ? hourOfDay >= activeFrom && hourOfDay < activeTo
          : hourOfDay >= activeFrom || hourOfDay < activeTo;
    }
  }

  public ZoneId zone() {
    return ZoneId.of(timeZone);
  }

  public Policy policy(Policy own) {
    return own == null ? defaults : own.over(defaults);
  }

  public List<Threshold> thresholds() {
    return thresholds == null ? List.of() : thresholds;
  }

  public List<Baseline> baselines() {
    return baselines == null ? List.of() : baselines;
  }

  public List<Feed> feeds() {
    return feeds == null ? List.of() : feeds;
  }

  public Duration incidentGap() {
    return incidents == null || incidents.gap() == null ? DEFAULT_INCIDENT_GAP : incidents.gap();
  }

  public static AlertRules load(
      ConfigFiles files, ReferenceData reference, WindowSettings windows) {
    return load(files, FILE, reference, windows);
  }

  /** Rules from another file of the same form, e.g. a what-if set for a replay. */
  public static AlertRules load(
      ConfigFiles files, String fileName, ReferenceData reference, WindowSettings windows) {
    AlertRules rules = files.read(fileName, AlertRules.class);
    rules.validate(files.problems(fileName), reference, windows);
    return rules;
  }

  private void validate(Problems problems, ReferenceData reference, WindowSettings windows) {
    try {
      ZoneId.of(String.valueOf(timeZone));
    } catch (RuntimeException e) {
      problems.add("time-zone", timeZone, "is not a time zone such as Europe/London");
    }
    if (defaults == null
        || defaults.minDuration == null
        || defaults.clearBelow == null
        || defaults.coolDown == null) {
      problems.add("defaults", defaults, "must give min-duration, clear-below and cool-down");
    } else {
      checkPolicy(problems, "defaults", defaults);
    }
    java.util.Map<String, String> ids =
        new java.util.HashMap<>(); // rule id -> the key that has it first
    for (int i = 0; i < thresholds().size(); i++) {
      Threshold t = thresholds().get(i);
      String key = "thresholds[" + i + "]";
      checkId(problems, key, t.id(), ids);
      checkService(problems, key, t.service(), reference);
      checkHorizon(problems, key, t.horizon(), windows);
      problems.require(
          MEASURES.contains(t.measure()),
          key + ".measure",
          t.measure(),
          "must be one of " + MEASURES);
      checkLevels(problems, key + ".levels", t.levels(), true);
      checkLevels(problems, key + ".county", t.county(), true);
      if (t.districts() != null) {
        t.districts()
            .forEach(
                (code, levels) -> {
                  problems.require(
                      reference.district(code) != null,
                      key + ".districts",
                      code,
                      "is not a district code in districts.yaml");
                  checkLevels(problems, key + ".districts." + code, levels, false);
                });
      }
      problems.require(
          t.minCount() == null || t.minCount() >= 0,
          key + ".min-count",
          t.minCount(),
          "must be 0 or more events");
      checkPolicy(problems, key, t.policy());
    }
    for (int i = 0; i < baselines().size(); i++) {
      Baseline b = baselines().get(i);
      String key = "baselines[" + i + "]";
      checkId(problems, key, b.id(), ids);
      checkService(problems, key, b.service(), reference);
      problems.require(
          b.horizon() != null && b.horizon().toMinutes() % 60 == 0,
          key + ".horizon",
          b.horizon(),
          "must be whole hours: the baseline is kept per hour of the week");
      problems.require(
          b.lookBack() == null
              || b.lookBack().toMinutes() % 60 == 0
                  && b.lookBack().toHours() >= 1
                  && b.lookBack().toHours() <= 24,
          key + ".look-back",
          b.lookBack(),
          "must be whole hours, 1h to 24h");
      problems.require(
          b.cusum() == null || b.cusum().shift() > 1 && b.horizon().equals(Duration.ofHours(1)),
          key + ".cusum.shift",
          b.cusum() == null ? null : b.cusum().shift(),
          "must be above 1, on a 1h rule");
      problems.require(
          b.deviation() == null || Baseline.DEVIATIONS.contains(b.deviation()),
          key + ".deviation",
          b.deviation(),
          "must be one of " + Baseline.DEVIATIONS);
      checkHorizon(problems, key, b.horizon(), windows);
      checkLevels(problems, key + ".levels", b.levels(), false);
      problems.require(
          b.minCount() >= 0, key + ".min-count", b.minCount(), "must be 0 or more events");
      problems.require(
          b.weeks() >= 1 && b.weeks() <= 52, key + ".weeks", b.weeks(), "must be 1 to 52 weeks");
      problems.require(
          b.minWeeks() >= 1 && b.minWeeks() <= b.weeks(),
          key + ".min-weeks",
          b.minWeeks(),
          "must be 1 to weeks");
      checkPolicy(problems, key, b.policy());
    }
    for (int i = 0; i < feeds().size(); i++) {
      Feed f = feeds().get(i);
      String key = "feeds[" + i + "]";
      checkId(problems, key, f.id(), ids);
      checkService(problems, key, f.service(), reference);
      problems.require(
          f.silentAfter() != null && f.silentAfter().toMinutes() >= 1,
          key + ".silent-after",
          f.silentAfter(),
          "must be at least 1m");
      problems.require(
          f.activeFrom() >= 0 && f.activeFrom() <= 24,
          key + ".active-from",
          f.activeFrom(),
          "must be an hour 0 to 24");
      problems.require(
          f.activeTo() >= 0 && f.activeTo() <= 24,
          key + ".active-to",
          f.activeTo(),
          "must be an hour 0 to 24");
      problems.require(
          f.level() >= 2 && f.level() <= 4, key + ".level", f.level(), "must be 2, 3 or 4");
    }
    problems.require(
        incidents == null || incidents.gap() == null || !incidents.gap().isNegative(),
        "incidents.gap",
        incidents == null ? null : incidents.gap(),
        "must be a duration, 0m or more");
    problems.throwIfAny();
  }

  /**
   * Alert state (open episodes, baseline history) is kept by rule id, so reordering the file keeps
   * every episode with its rule: an id must be present, plain and unique in the file.
   */
  private static void checkId(
      Problems problems, String key, String id, java.util.Map<String, String> ids) {
    if (id == null) {
      problems.add(
          key + ".id", null, "is required: a unique rule id such as safeguarding-1h-count");
      return;
    }
    if (id.length() > RULE_ID_MAX || !RULE_ID.matcher(id).matches()) {
      problems.add(
          key + ".id",
          id,
          "must be lower-case letters and digits joined by hyphens, at most "
              + RULE_ID_MAX
              + " characters, e.g. safeguarding-1h-count");
      return;
    }
    String first = ids.putIfAbsent(id, key);
    problems.require(
        first == null,
        key + ".id",
        id,
        "is already the id of " + first + ": rule ids must be unique");
  }

  private static void checkService(
      Problems problems, String key, String service, ReferenceData reference) {
    problems.require(
        reference.service(service) != null,
        key + ".service",
        service,
        "is not a service id in services.yaml");
  }

  private static void checkHorizon(
      Problems problems, String key, Duration horizon, WindowSettings windows) {
    problems.require(
        horizon != null && windows.horizons().stream().anyMatch(h -> h.size().equals(horizon)),
        key + ".horizon",
        horizon,
        "is not a horizon in windows.yaml");
  }

  private static void checkLevels(
      Problems problems, String key, List<Double> levels, boolean optional) {
    if (levels == null) {
      problems.require(optional, key, null, "must list the thresholds of levels 2, 3 and 4");
      return;
    }
    boolean increasing =
        levels.size() == 3
            && levels.get(0) > 0
            && levels.get(0) < levels.get(1)
            && levels.get(1) < levels.get(2);
    problems.require(
        increasing,
        key,
        levels,
        "must be three increasing positive thresholds, for levels 2, 3 and 4");
  }

  private static void checkPolicy(Problems problems, String key, Policy policy) {
    if (policy == null) {
      return;
    }
    problems.require(
        policy.minDuration == null || !policy.minDuration.isNegative(),
        key + ".min-duration",
        policy.minDuration,
        "must be a duration, 0m or more");
    problems.require(
        policy.clearBelow == null || policy.clearBelow > 0 && policy.clearBelow <= 1,
        key + ".clear-below",
        policy.clearBelow,
        "must be a fraction above 0 and at most 1");
    problems.require(
        policy.coolDown == null || !policy.coolDown.isNegative(),
        key + ".cool-down",
        policy.coolDown,
        "must be a duration, 0m or more");
  }
}
