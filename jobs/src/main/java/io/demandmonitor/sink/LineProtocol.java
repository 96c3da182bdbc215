package io.demandmonitor.sink;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.MinuteCount;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * InfluxDB points for the pipeline's outputs, built with influxdb-java so escaping (Welwyn
 * Hatfield, St Albans) is the client's. Timestamps are window ends: writing a point twice
 * overwrites it, so re-emitted and replayed results are idempotent.
 */
public final class LineProtocol implements Serializable {

  public static final String DEMAND = "demand";

  private final ReferenceData reference;

  public LineProtocol(ReferenceData reference) {
    this.reference = reference;
  }

  public Point demand(MinuteCount count) {
    double population = reference.district(count.district).population();
    return Point.measurement(DEMAND)
        .time(count.windowEnd, TimeUnit.MILLISECONDS)
        .tag("service", count.service)
        .tag("district", reference.district(count.district).name())
        .tag("horizon", "PT1M")
        .addField("count", count.count)
        .addField("rate_per_100k", count.count * 100_000.0 / population)
        .build();
  }

  public String demandLine(MinuteCount count) {
    return demand(count).lineProtocol(TimeUnit.MILLISECONDS);
  }
}
