package io.demandmonitor.alerting;

/**
 * One rule's CUSUM on one series ({@link AlertRules.Cusum}): a sum per minute of the hour, each
 * carried from the rolling hour that ended an hour before at the same minute. Keyed state of {@link
 * AlertEvaluator}; a Flink POJO.
 */
public class CusumSums {

  private static final int MINUTES = 60;
  private static final long MINUTE = 60_000;
  private static final long HOUR = MINUTES * MINUTE;

  /** The end of the rolling hour each sum was last carried to, by minute of the hour. */
  public long[] ends = new long[MINUTES];

  public double[] sums = new double[MINUTES];

  /** The sum each was carried from (a correction of the same window starts from it again). */
  public double[] before = new double[MINUTES];

  /**
   * The sum at {@code windowEnd}: the hour before's plus {@code step}, within 0 and {@code cap}.
   */
  double next(long windowEnd, double step, double cap) {
    return Math.min(cap, Math.max(0, carried(windowEnd) + step));
  }

  /** Keeps the sum of a final value. */
  void put(long windowEnd, double sum) {
    int minute = minute(windowEnd);
    before[minute] = carried(windowEnd);
    ends[minute] = windowEnd;
    sums[minute] = sum;
  }

  private double carried(long windowEnd) {
    int minute = minute(windowEnd);
    return ends[minute] == windowEnd
        ? before[minute]
        : ends[minute] == windowEnd - HOUR ? sums[minute] : 0;
  }

  private static int minute(long windowEnd) {
    return (int) Math.floorMod(windowEnd / MINUTE, MINUTES);
  }
}
