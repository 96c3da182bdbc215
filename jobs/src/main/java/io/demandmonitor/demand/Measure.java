package io.demandmonitor.demand;

import java.util.Locale;

/**
 * A named measure of a rolling value, as alert rules and InfluxDB name it; those of a service's
 * {@link ServiceSums} apply to that service only.
 */
public enum Measure {
  COUNT(null),
  RATE_PER_100K(null),
  ABANDONED_RATE(ServiceSums.HELPLINE),
  MEAN_WAIT_SECONDS(ServiceSums.HELPLINE),
  POSITIVITY(ServiceSums.TESTING),
  URGENT_SHARE(ServiceSums.CARE),
  IMMEDIATE_SHARE(ServiceSums.CARE);

  private final ServiceSums sums;

  Measure(ServiceSums sums) {
    this.sums = sums;
  }

  /** The name in config and InfluxDB: count, rate_per_100k, abandoned_rate... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static final java.util.Map<String, Measure> BY_LABEL =
      java.util.Arrays.stream(values())
          .collect(java.util.stream.Collectors.toUnmodifiableMap(Measure::label, m -> m));

  /** The measure of a label; alert rules are validated against these labels at start-up. */
  public static Measure named(String label) {
    Measure measure = BY_LABEL.get(label);
    if (measure == null) {
      throw new IllegalArgumentException(
          "unknown measure " + label + " (known: " + BY_LABEL.keySet() + ")");
    }
    return measure;
  }

  ServiceSums sums() {
    return sums;
  }

  /**
   * The measure of a value, {@code population} being its area's; NaN when it has no meaning (a
   * ratio of no events, a measure of another service).
   */
  public double of(RollingValue v, long population) {
    if (sums != null && sums != ServiceSums.of(v.service)) {
      return Double.NaN;
    }
    return switch (this) {
      case COUNT -> v.count;
      case RATE_PER_100K -> v.count * 100_000.0 / population;
      case POSITIVITY -> v.count > v.b ? (double) v.a / (v.count - v.b) : Double.NaN;
      case ABANDONED_RATE, URGENT_SHARE -> v.count > 0 ? (double) v.a / v.count : Double.NaN;
      case MEAN_WAIT_SECONDS, IMMEDIATE_SHARE -> v.count > 0 ? (double) v.b / v.count : Double.NaN;
    };
  }
}
