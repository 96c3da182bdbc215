package io.demandmonitor.evaluate;

import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.Problems;
import io.demandmonitor.config.ReferenceData;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code demand-monitor evaluate} injects and how it scores it, from config/evaluation.yaml:
 * the surge classes, the warm-up before the scored period, the gap between two surges of one
 * service, and the grace after a surge's hold within which an alert still detects it.
 */
public record EvaluationConfig(
    Duration warmUp, Duration gap, Duration grace, Map<String, SurgeClass> classes) {

  public static final String FILE = "evaluation.yaml";
  public static final String DISTRICT = "district";
  public static final String COUNTY = "county";

  /**
   * One class of surge. Ranges are [min, max]: each surge draws its value uniformly in it.
   *
   * @param area {@code district} (one random district) or {@code county} (every district)
   * @param detectWithin null: detected up to the end of the hold plus the grace; else up to this
   *     long after the end of the rise (gradual surges)
   * @param startAt null: any time; else the local time of day every surge of the class starts at
   * @param services null: any service; else the services the class is placed on
   */
  public record SurgeClass(
      int count,
      String area,
      List<Double> size,
      List<Double> extraPerHour,
      List<Duration> ramp,
      List<Duration> hold,
      Duration detectWithin,
      String startAt,
      List<String> services) {

    public LocalTime startTime() {
      return startAt == null ? null : LocalTime.parse(startAt);
    }

    public boolean countyWide() {
      return COUNTY.equals(area);
    }

    /**
     * How long the surge is detectable after its start, for a rise of {@code rise} and a hold of
     * {@code held}.
     */
    public Duration detectionSpan(Duration rise, Duration held, Duration grace) {
      return rise.plus(detectWithin != null ? detectWithin : held.plus(grace));
    }

    /** The same class with another count. */
    public SurgeClass withCount(int replaced) {
      return new SurgeClass(
          replaced, area, size, extraPerHour, ramp, hold, detectWithin, startAt, services);
    }
  }

  public static EvaluationConfig load(ConfigFiles files, String fileName, ReferenceData reference) {
    EvaluationConfig config = files.read(fileName, EvaluationConfig.class);
    config.validate(files.problems(fileName), reference);
    return config;
  }

  /**
   * The same configuration with only the named classes (in the file's order), or every class if
   * null.
   */
  public EvaluationConfig only(List<String> names, int count) {
    Map<String, SurgeClass> kept = new LinkedHashMap<>();
    classes.forEach(
        (name, c) -> {
          if (names == null || names.contains(name)) {
            kept.put(name, count >= 0 ? c.withCount(count) : c);
          }
        });
    return new EvaluationConfig(warmUp, gap, grace, kept);
  }

  private void validate(Problems problems, ReferenceData reference) {
    problems.require(
        warmUp != null && !warmUp.isNegative(),
        "warm-up",
        warmUp,
        "must be a duration such as 28d");
    problems.require(
        gap != null && !gap.isNegative(), "gap", gap, "must be a duration such as 12h");
    problems.require(
        grace != null && !grace.isNegative(), "grace", grace, "must be a duration such as 2h");
    if (classes == null || classes.isEmpty()) {
      problems.add("classes", classes, "must name at least one surge class");
      problems.throwIfAny();
      return;
    }
    classes.forEach(
        (name, c) -> {
          String key = "classes." + name;
          if (c == null) {
            problems.add(key, null, "must give count, area, size, extra-per-hour, ramp and hold");
            return;
          }
          problems.require(
              name.matches("[a-z0-9]+(-[a-z0-9]+)*"),
              key,
              name,
              "must be lower-case letters and digits joined by hyphens");
          problems.require(
              c.count() >= 0, key + ".count", c.count(), "must be 0 or more surges per seed");
          problems.require(
              DISTRICT.equals(c.area()) || COUNTY.equals(c.area()),
              key + ".area",
              c.area(),
              "must be 'district' (one random district) or 'county' (every district)");
          boolean size = range(problems, key + ".size", c.size(), 0);
          boolean extra = range(problems, key + ".extra-per-hour", c.extraPerHour(), 0);
          if (size && extra) {
            problems.require(
                c.size().get(0) > 1 || c.extraPerHour().get(0) > 0,
                key + ".size",
                c.size(),
                "raises no demand: every surge needs a size above 1 or an extra-per-hour above 0");
          }
          durations(problems, key + ".ramp", c.ramp(), false);
          durations(problems, key + ".hold", c.hold(), true);
          problems.require(
              c.detectWithin() == null || !c.detectWithin().isNegative(),
              key + ".detect-within",
              c.detectWithin(),
              "must be a duration such as 24h");
          if (c.startAt() != null) {
            try {
              LocalTime.parse(c.startAt());
            } catch (DateTimeParseException e) {
              problems.add(
                  key + ".start-at", c.startAt(), "must be a local time of day such as \"22:00\"");
            }
          }
          if (c.services() != null) {
            problems.require(
                !c.services().isEmpty(),
                key + ".services",
                c.services(),
                "must list service ids, or be left out for any service");
            c.services().stream()
                .filter(s -> reference.service(s) == null)
                .forEach(
                    s ->
                        problems.add(key + ".services", s, "is not a service id in services.yaml"));
          }
        });
    problems.throwIfAny();
  }

  private static boolean range(Problems problems, String key, List<Double> range, double min) {
    if (range == null || range.size() != 2 || range.contains(null)) {
      problems.add(
          key,
          range,
          "must be a range [min, max], e.g. [2.0, 3.0] (the same value twice for a fixed one)");
      return false;
    }
    boolean ok = range.get(0) >= min && range.get(0) <= range.get(1);
    problems.require(ok, key, range, "must be [min, max] with " + min + " <= min <= max");
    return ok;
  }

  private static void durations(
      Problems problems, String key, List<Duration> range, boolean positive) {
    if (range == null || range.size() != 2 || range.contains(null)) {
      problems.add(key, range, "must be a range of durations [min, max], e.g. [2h, 4h]");
      return;
    }
    boolean ok =
        !range.get(0).isNegative()
            && range.get(0).compareTo(range.get(1)) <= 0
            && (!positive || !range.get(0).isZero());
    problems.require(
        ok, key, range, "must be [min, max] with " + (positive ? "0 < " : "0 <= ") + "min <= max");
  }
}
