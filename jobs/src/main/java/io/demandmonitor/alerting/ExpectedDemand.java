package io.demandmonitor.alerting;

/**
 * What a seasonal baseline expects of one series' final rolling value: the expected count, and the
 * count from which the baseline rule would raise level 2. Written beside demand so duty managers
 * see "against normal" all the time, not only in alerts. A Flink POJO.
 */
public class ExpectedDemand {

  public String service;

  /** District code, or COUNTY. */
  public String area;

  /** Horizon size, ISO-8601 (PT1H). */
  public String horizon;

  public long windowEnd;
  public double expected;
  public double alertFrom;

  public ExpectedDemand() {}

  public ExpectedDemand(
      String service,
      String area,
      String horizon,
      long windowEnd,
      double expected,
      double alertFrom) {
    this.service = service;
    this.area = area;
    this.horizon = horizon;
    this.windowEnd = windowEnd;
    this.expected = expected;
    this.alertFrom = alertFrom;
  }
}
