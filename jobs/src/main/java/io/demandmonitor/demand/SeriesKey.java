package io.demandmonitor.demand;

/**
 * A demand series: a service in an area (a district code or {@link SeriesEvent#COUNTY}), in total
 * ({@link SeriesEvent#ALL_CATEGORIES}) or for one category. Flink keys the windows and alerts by
 * its {@link #encode encoded} form, the only place that form is built or read: keyed state in
 * savepoints is stored under it, so it must not change. Service ids, district codes and categories
 * are validated codes (config), which never hold the separator.
 */
public record SeriesKey(String service, String area, String category) {

  private static final char SEPARATOR = '|';

  /** The Flink key of a series: service|area|category. */
  public static String encode(String service, String area, String category) {
    return service + SEPARATOR + area + SEPARATOR + category;
  }

  public static SeriesKey decode(String encoded) {
    int first = encoded.indexOf(SEPARATOR);
    int second = encoded.indexOf(SEPARATOR, first + 1);
    if (first < 0 || second < 0) {
      throw new IllegalArgumentException("not a series key (service|area|category): " + encoded);
    }
    return new SeriesKey(
        encoded.substring(0, first),
        encoded.substring(first + 1, second),
        encoded.substring(second + 1));
  }

  public boolean isTotal() {
    return category.isEmpty();
  }

  /** A district's total: the one series of an event that health accounting counts. */
  public boolean isDistrictTotal() {
    return isDistrictTotal(area, category);
  }

  public static boolean isDistrictTotal(String area, String category) {
    return category.isEmpty() && !SeriesEvent.COUNTY.equals(area);
  }
}
