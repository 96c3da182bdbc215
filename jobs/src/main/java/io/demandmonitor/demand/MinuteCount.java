package io.demandmonitor.demand;

import java.util.Objects;

/** Demand of one service in one district during the minute that ends at {@link #windowEnd}. A Flink POJO. */
public class MinuteCount {

  public String service;
  public String district;
  /** Exclusive end of the minute, epoch millis. */
  public long windowEnd;
  public long count;

  public MinuteCount() {}

  public MinuteCount(String service, String district, long windowEnd, long count) {
    this.service = service;
    this.district = district;
    this.windowEnd = windowEnd;
    this.count = count;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MinuteCount m && windowEnd == m.windowEnd && count == m.count
        && Objects.equals(service, m.service) && Objects.equals(district, m.district);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, district, windowEnd, count);
  }

  @Override
  public String toString() {
    return service + "/" + district + "@" + windowEnd + "=" + count;
  }
}
