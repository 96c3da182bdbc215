package io.demandmonitor.demand;

/**
 * One event's contribution to one demand series: a service in a district (or the county),
 * optionally one category. {@code a} and {@code b} are the service's measure counts (see {@link
 * ServiceSums}). A Flink POJO.
 */
public class SeriesEvent {

  public static final String COUNTY = "COUNTY";
  public static final String ALL_CATEGORIES = "";

  public String service;

  /** District code, or {@link #COUNTY}. */
  public String area;

  /** A category, or {@link #ALL_CATEGORIES}. */
  public String category;

  public long eventTime;
  public long a;
  public long b;

  public SeriesEvent() {}

  public SeriesEvent(String service, String area, String category, long eventTime, long a, long b) {
    this.service = service;
    this.area = area;
    this.category = category;
    this.eventTime = eventTime;
    this.a = a;
    this.b = b;
  }

  public String key() {
    return SeriesKey.encode(service, area, category);
  }
}
