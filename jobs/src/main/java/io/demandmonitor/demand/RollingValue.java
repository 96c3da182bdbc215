package io.demandmonitor.demand;

import java.util.Objects;

/**
 * The demand of one series over one horizon, for the window of event time ending at {@link
 * #windowEnd} (exclusive). Provisional values cover a window still open; the final value for the
 * same series, horizon and window end replaces them. A Flink POJO.
 */
public class RollingValue {

  public String service;

  /** District code, or COUNTY. */
  public String area;

  /** A category, or "" for all. */
  public String category;

  /** Horizon size, ISO-8601 (PT15M, PT1H, PT24H, PT168H). */
  public String horizon;

  public long windowEnd;
  public long count;

  /** Measure sums, see {@link ServiceSums}. */
  public long a;

  public long b;
  public boolean provisional;

  /**
   * The series key as the windows were keyed by, one instance per series whose hash is computed
   * once; not serialized (transient), so null after a copy.
   */
  private transient String seriesKey;

  public RollingValue() {}

  public RollingValue(
      String service,
      String area,
      String category,
      String horizon,
      long windowEnd,
      long count,
      long a,
      long b,
      boolean provisional) {
    this.service = service;
    this.area = area;
    this.category = category;
    this.horizon = horizon;
    this.windowEnd = windowEnd;
    this.count = count;
    this.a = a;
    this.b = b;
    this.provisional = provisional;
  }

  RollingValue(
      String service,
      String area,
      String category,
      String horizon,
      long windowEnd,
      long count,
      long a,
      long b,
      boolean provisional,
      String seriesKey) {
    this(service, area, category, horizon, windowEnd, count, a, b, provisional);
    this.seriesKey = seriesKey;
  }

  /** The series it belongs to, the key of {@link SeriesEvent#key()}. */
  public String seriesKey() {
    return seriesKey != null ? seriesKey : SeriesKey.encode(service, area, category);
  }

  /** Series, horizon and window: what a downstream store overwrites by. */
  public String identity() {
    return seriesKey() + "|" + horizon + "|" + windowEnd;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RollingValue v
        && windowEnd == v.windowEnd
        && count == v.count
        && a == v.a
        && b == v.b
        && provisional == v.provisional
        && Objects.equals(service, v.service)
        && Objects.equals(area, v.area)
        && Objects.equals(category, v.category)
        && Objects.equals(horizon, v.horizon);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, area, category, horizon, windowEnd, count);
  }

  @Override
  public String toString() {
    return identity() + "=" + count + "/" + a + "/" + b + (provisional ? " (provisional)" : "");
  }
}
