package io.demandmonitor.simulate;

import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.Problems;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The simulator's settings from config/simulation.yaml: normal demand, imperfections, scenarios.
 */
public record SimulationConfig(
    long seed,
    Duration slot,
    String timeZone,
    Map<String, ServiceProfile> services,
    Imperfections imperfections,
    Map<String, Scenario> scenarios,
    List<String> defaultScenarios)
    implements Serializable {

  public static final String FILE = "simulation.yaml";

  /** Normal demand of one service. Volumes are county-wide means per day over a term-time week. */
  public record ServiceProfile(
      double dailyVolume,
      double[] hourOfDay,
      double[] dayOfWeek,
      double schoolHolidayFactor,
      Map<String, Double> categories,
      Map<String, Map<String, Double>> attributes,
      Double meanWaitSeconds,
      Double meanHandledSeconds,
      Double positivity,
      Double voidRate)
      implements Serializable {}

  /** Rates (0 to 1) at which the simulator reproduces what real feeds do wrong. */
  public record Imperfections(
      double outOfOrderRate,
      Duration outOfOrderMaxDelay,
      double lateRate,
      Duration lateMaxDelay,
      double duplicateRate,
      double malformedRate)
      implements Serializable {

    public static final Imperfections NONE =
        new Imperfections(0, Duration.ZERO, 0, Duration.ZERO, 0, 0);
  }

  /**
   * A named surge: demand of {@code service} in {@code districts} (or ALL) ramps up to {@code size}
   * times normal over {@code ramp}, holds for {@code hold}, then ramps down. {@code start} is an
   * instant or an offset from the run's live clock such as -5h.
   */
  public record Scenario(
      String service,
      List<String> districts,
      String start,
      Duration ramp,
      Duration hold,
      Double size,
      Double extraPerHour)
      implements Serializable {

    public Scenario {
      size = size == null ? 1.0 : size;
      extraPerHour = extraPerHour == null ? 0.0 : extraPerHour;
    }
  }

  public SimulationConfig withImperfections(Imperfections replaced) {
    return new SimulationConfig(
        seed, slot, timeZone, services, replaced, scenarios, defaultScenarios);
  }

  public SimulationConfig withSeed(long replaced) {
    return new SimulationConfig(
        replaced, slot, timeZone, services, imperfections, scenarios, defaultScenarios);
  }

  public static SimulationConfig load(ConfigFiles files, ReferenceData reference) {
    SimulationConfig config = files.read(FILE, SimulationConfig.class);
    config.validate(files.problems(FILE), reference);
    return config;
  }

  private void validate(Problems problems, ReferenceData reference) {
    problems.require(
        slot != null && slot.toMillis() >= 1000 && 60_000 % slot.toMillis() == 0,
        "slot",
        slot,
        "must be whole seconds that divide a minute (e.g. 5s)");
    try {
      ZoneId.of(String.valueOf(timeZone));
    } catch (RuntimeException e) {
      problems.add("time-zone", timeZone, "is not a time zone id such as Europe/London");
    }
    problems.require(
        services != null, "services", services, "must list each service's normal demand");
    for (Service service : reference.services()) {
      ServiceProfile p = services == null ? null : services.get(service.id());
      String key = "services." + service.id();
      if (p == null) {
        problems.add(key, null, "is missing: every service in services.yaml needs a profile");
        continue;
      }
      problems.require(
          p.dailyVolume() >= 0, key + ".daily-volume", p.dailyVolume(), "must not be negative");
      validateWeights(problems, key + ".hour-of-day", p.hourOfDay(), 24);
      validateWeights(problems, key + ".day-of-week", p.dayOfWeek(), 7);
      problems.require(
          p.schoolHolidayFactor() >= 0,
          key + ".school-holiday-factor",
          p.schoolHolidayFactor(),
          "must not be negative");
      if (p.categories() == null || p.categories().isEmpty()) {
        problems.add(
            key + ".categories", p.categories(), "must give a weight to at least one category");
      } else {
        p.categories()
            .forEach(
                (category, weight) -> {
                  problems.require(
                      service.categories().contains(category),
                      key + ".categories." + category,
                      category,
                      "is not a category of " + service.id() + " in services.yaml");
                  problems.require(
                      weight != null && weight >= 0,
                      key + ".categories." + category,
                      weight,
                      "must be a non-negative weight");
                });
      }
      checkRate(problems, key + ".positivity", p.positivity());
      checkRate(problems, key + ".void-rate", p.voidRate());
    }
    if (services != null) {
      services.keySet().stream()
          .filter(id -> reference.service(id) == null)
          .forEach(
              id -> problems.add("services." + id, id, "is not a service id in services.yaml"));
    }
    problems.require(
        imperfections != null, "imperfections", null, "must be given (use 0 rates to turn off)");
    if (imperfections != null) {
      checkRate(problems, "imperfections.out-of-order-rate", imperfections.outOfOrderRate());
      checkRate(problems, "imperfections.late-rate", imperfections.lateRate());
      checkRate(problems, "imperfections.duplicate-rate", imperfections.duplicateRate());
      checkRate(problems, "imperfections.malformed-rate", imperfections.malformedRate());
    }
    Map<String, Scenario> named = scenarios == null ? Map.of() : scenarios;
    named.forEach(
        (name, s) -> {
          String key = "scenarios." + name;
          problems.require(
              reference.service(s.service()) != null,
              key + ".service",
              s.service(),
              "is not a service id in services.yaml");
          if (s.districts() == null || s.districts().isEmpty()) {
            problems.add(key + ".districts", s.districts(), "must list district codes, or ALL");
          } else {
            s.districts().stream()
                .filter(d -> !d.equals(Surge.ALL) && reference.district(d) == null)
                .forEach(
                    d ->
                        problems.add(
                            key + ".districts", d, "is not a district code in districts.yaml"));
          }
          try {
            Surge.parseTime(s.start(), java.time.Instant.EPOCH);
          } catch (RuntimeException e) {
            problems.add(
                key + ".start",
                s.start(),
                "must be an instant (2026-03-02T09:00:00Z) or an offset like -5h");
          }
          problems.require(
              s.ramp() != null && !s.ramp().isNegative(),
              key + ".ramp",
              s.ramp(),
              "must be a duration");
          problems.require(
              s.hold() != null && !s.hold().isNegative(),
              key + ".hold",
              s.hold(),
              "must be a duration");
          problems.require(
              s.size() >= 0,
              key + ".size",
              s.size(),
              "must be a multiple of normal demand, 0 or more " + "(0 silences the feed)");
          problems.require(
              s.extraPerHour() >= 0,
              key + ".extra-per-hour",
              s.extraPerHour(),
              "must be 0 or more events per hour");
          problems.require(
              s.size() != 1 || s.extraPerHour() > 0,
              key,
              s.size(),
              "changes nothing: give a size other than 1 or an extra-per-hour");
        });
    if (defaultScenarios != null) {
      defaultScenarios.stream()
          .filter(n -> !named.containsKey(n))
          .forEach(
              n -> problems.add("default-scenarios", n, "is not a scenario named under scenarios"));
    }
    problems.throwIfAny();
  }

  private static void validateWeights(Problems problems, String key, double[] weights, int size) {
    if (weights == null || weights.length != size) {
      problems.add(
          key,
          weights == null ? null : weights.length + " values",
          "must have exactly " + size + " weights");
      return;
    }
    double sum = 0;
    for (double w : weights) {
      problems.require(w >= 0, key, w, "weights must not be negative");
      sum += w;
    }
    problems.require(sum > 0, key, sum, "weights must not all be zero");
  }

  private static void checkRate(Problems problems, String key, Double rate) {
    problems.require(
        rate == null || (rate >= 0 && rate <= 1), key, rate, "must be a rate between 0 and 1");
  }
}
