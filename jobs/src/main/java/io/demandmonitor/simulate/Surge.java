package io.demandmonitor.simulate;

import io.demandmonitor.simulate.SimulationConfig.Scenario;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.util.TimeUtils;

/**
 * A scenario placed on the time line: where and when demand is multiplied by {@link #size}, plus
 * {@link #extraPerHour} events per hour in each district (a fixed excess shows even where normal
 * demand is tiny), both ramped up and down linearly.
 */
public record Surge(
    String name,
    String service,
    List<String> districts,
    Instant start,
    Duration ramp,
    Duration hold,
    double size,
    double extraPerHour)
    implements Serializable {

  public static final String ALL = "ALL";

  public static Surge of(String name, Scenario scenario, Instant liveClock) {
    return new Surge(
        name,
        scenario.service(),
        scenario.districts(),
        parseTime(scenario.start(), liveClock),
        scenario.ramp(),
        scenario.hold(),
        scenario.size(),
        scenario.extraPerHour());
  }

  /** An instant (2026-03-02T09:00:00Z), "now", or an offset from now such as -5h or +30m. */
  public static Instant parseTime(String start, Instant liveClock) {
    if (start.equals("now")) {
      return liveClock;
    }
    if (start.startsWith("-")) {
      return liveClock.minus(TimeUtils.parseDuration(start.substring(1)));
    }
    if (start.startsWith("+")) {
      return liveClock.plus(TimeUtils.parseDuration(start.substring(1)));
    }
    return Instant.parse(start);
  }

  public Instant peakStart() {
    return start.plus(ramp);
  }

  public Instant peakEnd() {
    return start.plus(ramp).plus(hold);
  }

  public Instant end() {
    return peakEnd().plus(ramp);
  }

  /**
   * The multiple of normal demand at {@code epochMillis}: 1 outside the surge, {@link #size} at its
   * peak.
   */
  public double factor(String serviceId, String district, long epochMillis) {
    return 1 + (size - 1) * envelope(serviceId, district, epochMillis);
  }

  /**
   * Extra events per hour in the district at {@code epochMillis}: 0 outside, {@link #extraPerHour}
   * at the peak.
   */
  public double extraPerHour(String serviceId, String district, long epochMillis) {
    return extraPerHour * envelope(serviceId, district, epochMillis);
  }

  /**
   * 0 outside the surge, rising to 1 over the ramp, 1 during the hold, falling to 0 over the ramp.
   */
  private double envelope(String serviceId, String district, long t) {
    if (!service.equals(serviceId) || !(districts.contains(ALL) || districts.contains(district))) {
      return 0;
    }
    long s = start.toEpochMilli();
    long rampMillis = Math.max(1, ramp.toMillis());
    long peakStart = s + ramp.toMillis();
    long peakEnd = peakStart + hold.toMillis();
    if (t < s || t >= peakEnd + ramp.toMillis()) {
      return 0;
    } else if (t < peakStart) {
      return (double) (t - s) / rampMillis;
    } else if (t < peakEnd) {
      return 1;
    }
    return 1 - (double) (t - peakEnd) / rampMillis;
  }
}
