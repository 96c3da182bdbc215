package io.demandmonitor.demand;

import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.Problems;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/** The rolling windows from config/windows.yaml: horizons, lateness and provisional interval. */
public record WindowSettings(
    List<Horizon> horizons,
    List<Duration> categoryHorizons,
    Duration allowedLateness,
    Duration provisionalEvery)
    implements Serializable {

  public static final String FILE = "windows.yaml";

  /** A window of {@code size} of event time, emitted every {@code step}. */
  public record Horizon(Duration size, Duration step) implements Serializable {

    public String label() {
      return WindowSettings.label(size);
    }
  }

  /** The name of a horizon of this size in outputs and alerts: ISO-8601, e.g. PT1H. */
  public static String label(Duration size) {
    return size.toString();
  }

  public static WindowSettings load(ConfigFiles files) {
    WindowSettings settings = files.read(FILE, WindowSettings.class);
    settings.validate(files.problems(FILE));
    return settings;
  }

  private void validate(Problems problems) {
    if (horizons == null || horizons.isEmpty()) {
      problems.add("horizons", horizons, "at least one horizon is needed");
    } else {
      for (int i = 0; i < horizons.size(); i++) {
        Horizon h = horizons.get(i);
        String key = "horizons[" + i + "]";
        boolean stepOk =
            h.step() != null
                && h.step().toMillis() >= 60_000
                && h.step().toMillis() % 60_000 == 0
                && 86_400_000L % h.step().toMillis() == 0;
        problems.require(
            stepOk,
            key + ".step",
            h.step(),
            "must be whole minutes that divide a day (1m, 5m, 1h)");
        problems.require(
            h.size() != null
                && stepOk
                && h.size().toMillis() > 0
                && h.size().toMillis() % h.step().toMillis() == 0,
            key + ".size",
            h.size(),
            "must be a positive whole number of steps");
      }
      if (horizons.stream().map(Horizon::size).distinct().count() != horizons.size()) {
        problems.add(
            "horizons", horizons.stream().map(Horizon::size).toList(), "sizes must be distinct");
      }
    }
    if (categoryHorizons != null && horizons != null) {
      categoryHorizons.stream()
          .filter(c -> horizons.stream().noneMatch(h -> h.size().equals(c)))
          .forEach(
              c ->
                  problems.add(
                      "category-horizons",
                      c,
                      "is not the size of a horizon listed under horizons"));
    }
    problems.require(
        allowedLateness != null
            && !allowedLateness.isNegative()
            && allowedLateness.toMillis() % 60_000 == 0,
        "allowed-lateness",
        allowedLateness,
        "must be whole minutes, 0m or more");
    problems.require(
        provisionalEvery != null && !provisionalEvery.isNegative(),
        "provisional-every",
        provisionalEvery,
        "must be a duration, 0s to turn provisional values off");
    problems.throwIfAny();
  }

  public WindowSettings withProvisionalEvery(Duration every) {
    return new WindowSettings(horizons, categoryHorizons, allowedLateness, every);
  }

  public List<Duration> categoryHorizons() {
    return categoryHorizons == null ? List.of() : categoryHorizons;
  }
}
