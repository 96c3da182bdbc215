package io.demandmonitor.alerting;

/**
 * The counts of one hour of the week (in term time or in school holidays) over the last weeks a
 * baseline keeps: a ring by week number, {@code weeks[i]} the week whose count is {@code
 * counts[i]}. Keyed state of {@link AlertEvaluator}; a Flink POJO.
 */
public class HourHistory {

  private static final long NO_WEEK = Long.MIN_VALUE;

  public long[] weeks;
  public long[] counts;

  /** Keeps {@code count} for {@code week}, replacing the oldest week of a ring of {@code size}. */
  void put(long week, long count, int size) {
    if (weeks == null || weeks.length != size) {
      long[] oldWeeks = weeks;
      long[] oldCounts = counts;
      weeks = new long[size];
      counts = new long[size];
      java.util.Arrays.fill(weeks, NO_WEEK);
      for (int i = 0; oldWeeks != null && i < oldWeeks.length; i++) {
        if (oldWeeks[i] != NO_WEEK) {
          put(oldWeeks[i], oldCounts[i], size); // a rule's `weeks` changed: keep what fits
        }
      }
    }
    int index = (int) Math.floorMod(week, size);
    if (weeks[index] <= week) {
      weeks[index] = week;
      counts[index] = count;
    }
  }

  /**
   * Mean, variance (with the uncertainty of the mean) and number of the weeks before {@code week},
   * at most {@code size} back; null with fewer than {@code minWeeks}.
   */
  double[] stats(long week, int size, int minWeeks) {
    int n = 0;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < weeks.length; i++) {
      if (weeks[i] >= week - size && weeks[i] < week) {
        n++;
        sum += counts[i];
        squares += (double) counts[i] * counts[i];
      }
    }
    if (n < minWeeks) {
      return null;
    }
    double mean = sum / n;
    double sampleVariance = n > 1 ? (squares - n * mean * mean) / (n - 1) : mean;
    return new double[] {mean, Math.max(mean, sampleVariance) * (1 + 1.0 / n), n};
  }
}
