package io.demandmonitor.sink;

import io.demandmonitor.alerting.ExpectedDemand;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.Measure;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.ServiceSums;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.influxdb.dto.Point;

/**
 * InfluxDB points for the pipeline's outputs, built with influxdb-java so escaping (Welwyn
 * Hatfield, St Albans) is the client's. Timestamps are window ends and tags name the series, so a
 * final value overwrites the provisional one, and re-emitted or replayed results overwrite
 * themselves.
 */
public final class LineProtocol implements Serializable {

  public static final String DEMAND = "demand";
  public static final String DEMAND_BY_CATEGORY = "demand_by_category";
  public static final String SERVICE_MEASURES = "service_measures";
  public static final String EXPECTED_DEMAND = "expected_demand";
  public static final String PIPELINE_HEALTH = "pipeline_health";
  public static final String SINK_HEALTH = "sink_health";
  public static final String COUNTY = ReferenceData.COUNTY_NAME;

  private final ReferenceData reference;
  private final String run;

  /**
   * @param run the run tag of every point: live, or a replay's run id
   */
  public LineProtocol(ReferenceData reference, String run) {
    this.reference = reference;
    this.run = run;
  }

  /**
   * demand (with rate per 100,000), or demand_by_category; plus service_measures where the service
   * has some.
   */
  public List<Point> points(RollingValue v) {
    List<Point> points = new ArrayList<>();
    String area = areaName(v.area);
    if (!v.category.isEmpty()) {
      points.add(
          base(DEMAND_BY_CATEGORY, v, area)
              .tag("category", v.category)
              .addField("count", v.count)
              .addField("provisional", v.provisional)
              .build());
      return points;
    }
    long population = reference.population(v.area);
    points.add(
        base(DEMAND, v, area)
            .addField("count", v.count)
            .addField(Measure.RATE_PER_100K.label(), Measure.RATE_PER_100K.of(v, population))
            .addField("provisional", v.provisional)
            .build());
    ServiceSums sums = ServiceSums.of(v.service);
    if (v.count > 0 && sums != null) {
      Point.Builder point = base(SERVICE_MEASURES, v, area).addField("provisional", v.provisional);
      for (Measure m : sums.measures()) {
        double value = m.of(v, population);
        if (!Double.isNaN(value)) { // e.g. positivity of only void tests
          point.addField(m.label(), value);
        }
      }
      points.add(point.build());
    }
    return points;
  }

  public void lines(RollingValue v, Consumer<String> out) {
    points(v).forEach(p -> out.accept(p.lineProtocol(TimeUnit.MILLISECONDS)));
  }

  /** expected_demand, at the same time and tags as the demand point it goes with. */
  public String line(ExpectedDemand e) {
    return base(EXPECTED_DEMAND, e.service, areaName(e.area), e.horizon, e.windowEnd)
        .addField("expected", e.expected)
        .addField("alert_from", e.alertFrom)
        .build()
        .lineProtocol(TimeUnit.MILLISECONDS);
  }

  private Point.Builder base(String measurement, RollingValue v, String area) {
    return base(measurement, v.service, area, v.horizon, v.windowEnd);
  }

  private Point.Builder base(
      String measurement, String service, String area, String horizon, long time) {
    return Point.measurement(measurement)
        .time(time, TimeUnit.MILLISECONDS)
        .tag("run", run)
        .tag("service", service)
        .tag("district", area)
        .tag("horizon", horizon);
  }

  private String areaName(String area) {
    return reference.areaName(area);
  }
}
