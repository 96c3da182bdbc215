package io.demandmonitor.alerting;

/**
 * What one baseline rule has learnt about one series besides its hours of the week: how far off its
 * predictions were (the dispersion), how school holidays differ from term time, and which clock
 * hours it has learnt or must leave out. Keyed state of {@link AlertEvaluator}; a Flink POJO.
 */
public class BaselineSums {

  static final long NONE = Long.MIN_VALUE;

  /** Squared prediction errors over expected, summed, and how many predictions. */
  public double squaredErrors;

  public long predictions;

  /** Counts of holiday hours, and the term-time means of the same hours of the week, summed. */
  public double holidayCounts;

  public double termMeans;

  /** The end of the newest clock hour learnt. */
  public long learntTo = NONE;

  /** The start of the newest clock hour in alert: an hour in alert is not normal demand. */
  public long alertedHour = NONE;
}
