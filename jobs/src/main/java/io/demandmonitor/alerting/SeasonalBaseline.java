package io.demandmonitor.alerting;

import io.demandmonitor.config.ReferenceData;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * What demand is normal for one series: hourly counts of the same hour of the week, kept apart for
 * term time and school holidays, over the previous weeks. The expected count of a rolling hour is
 * the mean of the history of the clock hours it overlaps; how unusual an observed count is, is the
 * Anscombe-transformed Poisson deviation (about a standard normal for counts of any size), widened
 * by the dispersion of the series' own past predictions: the mean of (count - expected)^2 /
 * expected over the hours recorded, which covers both over-dispersed demand and the uncertainty of
 * a mean of few weeks. A holiday hour with too little holiday history borrows the term-time hour,
 * scaled by the ratio of holiday to term-time demand this series has shown in any holiday hours so
 * far.
 */
public final class SeasonalBaseline implements Serializable {

  static final long HOUR = 3_600_000L;
  static final long WEEK = 7 * 24 * HOUR;
  private static final int HOLIDAY = 168;
  private static final double MAX_DISPERSION = 5;

  /**
   * Where the holiday ratio's sums are kept in the history: holiday counts, and term means (x1000)
   * of the same hours.
   */
  private static final int HOLIDAY_RATIO = -1;

  /** Term-time events behind a holiday ratio before it is trusted. */
  private static final double RATIO_EVIDENCE = 30;

  /**
   * Where the dispersion's sums are kept: squared prediction errors over expected (x1000), and how
   * many.
   */
  private static final int DISPERSION = -2;

  /** Predictions behind a learnt dispersion before it is trusted. */
  private static final long DISPERSION_EVIDENCE = 100;

  /** Where the end of the newest clock hour learnt is kept. */
  private static final int LEARNT_TO = -3;

  /**
   * Where the start of the newest clock hour in alert is kept: an hour in alert is not normal
   * demand.
   */
  private static final int ALERTED_HOUR = -4;

  /** Where the history lives: Flink keyed state in the job, a map in tests. */
  public interface History {
    long[] get(int slot) throws Exception;

    void put(int slot, long[] weeks) throws Exception;
  }

  /** The expected count of a window, and the factor its variance exceeds a Poisson's by. */
  public record Expectation(double mean, double dispersion) {

    /** Standard deviations above expected (negative below). */
    public double z(long observed) {
      return 2 * (Math.sqrt(observed + 0.375) - Math.sqrt(mean + 0.375)) / Math.sqrt(dispersion);
    }

    /** The count that is {@code z} standard deviations above expected. */
    public double countAt(double z) {
      double root = z * Math.sqrt(dispersion) / 2 + Math.sqrt(mean + 0.375);
      return root * root - 0.375;
    }
  }

  private final ReferenceData reference;
  private final ZoneId zone;
  private final int weeks;
  private final int minWeeks;

  /**
   * Slots by hour start: every value asks for the same few hours, and the calendar is not cheap.
   */
  private transient java.util.HashMap<Long, Integer> slots;

  public SeasonalBaseline(ReferenceData reference, ZoneId zone, int weeks, int minWeeks) {
    this.reference = reference;
    this.zone = zone;
    this.weeks = weeks;
    this.minWeeks = minWeeks;
  }

  /** Hour of the week (Monday 00:00 local is 0), plus 168 in school holidays. */
  public int slot(long hourStart) {
    if (slots == null || slots.size() > 10_000) {
      slots = new java.util.HashMap<>();
    }
    return slots.computeIfAbsent(hourStart, this::slotOf);
  }

  private int slotOf(long hourStart) {
    ZonedDateTime local = Instant.ofEpochMilli(hourStart).atZone(zone);
    int hourOfWeek = (local.getDayOfWeek().getValue() - 1) * 24 + local.getHour();
    return hourOfWeek + (reference.isSchoolHoliday(local.toLocalDate()) ? HOLIDAY : 0);
  }

  /**
   * Learns from a final value of the rolling hour ending at {@code windowEnd}. A value on the hour
   * is the count of the clock hour just ended. A series sends no value while its rolling hour is
   * empty, so the clock hours that ended since the newest one learnt, without a value on the hour,
   * were empty: they are learnt as zero here, once, when the next value arrives (at most the weeks
   * kept). Hours in alert are left out.
   */
  public void learn(History history, long windowEnd, long count) throws Exception {
    long ended = Math.floorDiv(windowEnd, HOUR) * HOUR; // every clock hour before this has ended
    long[] learnt = history.get(LEARNT_TO);
    long from = learnt == null ? ended : Math.max(learnt[0], ended - weeks * WEEK);
    for (long end = from + HOUR; end <= ended; end += HOUR) {
      learnHour(history, end - HOUR, end == windowEnd ? count : 0);
    }
    if (windowEnd == ended
        && windowEnd <= from) { // the series' first value on the hour, or a correction
      learnHour(history, windowEnd - HOUR, count);
    }
    if (learnt == null || ended > learnt[0]) {
      history.put(LEARNT_TO, new long[] {ended});
    }
  }

  /**
   * Notes that the rule is in alert in the rolling hour ending at {@code windowEnd}: that clock
   * hour is not learnt.
   */
  public void alerted(History history, long windowEnd) throws Exception {
    long hourStart = Math.floorDiv(windowEnd - 1, HOUR) * HOUR;
    long[] alerted = history.get(ALERTED_HOUR);
    if (alerted == null || alerted[0] != hourStart) {
      history.put(ALERTED_HOUR, new long[] {hourStart});
    }
  }

  private void learnHour(History history, long hourStart, long count) throws Exception {
    long[] alerted = history.get(ALERTED_HOUR);
    if (alerted == null || alerted[0] != hourStart) {
      record(history, hourStart, count);
    }
  }

  /**
   * Remembers the count of the clock hour starting at {@code hourStart}, replacing that slot's
   * oldest week.
   */
  public void record(History history, long hourStart, long count) throws Exception {
    int slot = slot(hourStart);
    long week = Math.floorDiv(hourStart, WEEK);
    double[] predicted = hourStats(history, hourStart);
    if (predicted != null
        && predicted[0] >= 1) { // how far off the baseline was, before it learns this hour
      long[] sums = history.get(DISPERSION);
      sums = sums == null ? new long[2] : sums;
      sums[0] += Math.round(1000 * (count - predicted[0]) * (count - predicted[0]) / predicted[0]);
      sums[1]++;
      history.put(DISPERSION, sums);
    }
    long[] kept = history.get(slot);
    if (kept == null) {
      kept = new long[2 * weeks];
      java.util.Arrays.fill(kept, 0, weeks, Long.MIN_VALUE);
    }
    int index = (int) Math.floorMod(week, weeks);
    kept[index] = week;
    kept[weeks + index] = count;
    history.put(slot, kept);
    if (slot >= HOLIDAY) { // learn how holidays differ from term time
      double[] term = stats(history.get(slot - HOLIDAY), week);
      if (term != null) {
        long[] sums = history.get(HOLIDAY_RATIO);
        sums = sums == null ? new long[2] : sums;
        sums[0] += count;
        sums[1] += Math.round(term[0] * 1000);
        history.put(HOLIDAY_RATIO, sums);
      }
    }
  }

  /**
   * The expectation for the window [from, to), or null while fewer than min-weeks of history exist.
   */
  public Expectation expected(History history, long from, long to) throws Exception {
    double mean = 0;
    double variance = 0;
    for (long hour = Math.floorDiv(from, HOUR) * HOUR; hour < to; hour += HOUR) {
      double weight = (double) (Math.min(to, hour + HOUR) - Math.max(from, hour)) / HOUR;
      double[] stats = hourStats(history, hour);
      if (stats == null) {
        return null;
      }
      mean += weight * stats[0];
      variance += weight * stats[1];
    }
    long[] learnt = history.get(DISPERSION);
    double dispersion =
        learnt != null && learnt[1] >= DISPERSION_EVIDENCE
            ? learnt[0] / 1000.0 / learnt[1]
            : mean > 0 ? variance / mean : 1;
    return new Expectation(mean, Math.min(MAX_DISPERSION, Math.max(1, dispersion)));
  }

  /**
   * Mean and variance (with the uncertainty of the mean) of a clock hour's history, from its own
   * slot, else the same hour of the week in the other kind of week (term or holiday).
   */
  private double[] hourStats(History history, long hourStart) throws Exception {
    int slot = slot(hourStart);
    long week = Math.floorDiv(hourStart, WEEK);
    double[] stats = stats(history.get(slot), week);
    if (stats != null) {
      return stats;
    }
    boolean holiday = slot >= HOLIDAY;
    stats = stats(history.get(holiday ? slot - HOLIDAY : slot + HOLIDAY), week);
    if (stats == null) {
      return null;
    }
    long[] sums = history.get(HOLIDAY_RATIO);
    double ratio = sums == null || sums[1] < RATIO_EVIDENCE * 1000 ? 1 : sums[0] * 1000.0 / sums[1];
    double scale = holiday ? ratio : 1 / Math.max(ratio, 0.01);
    return new double[] {stats[0] * scale, stats[1] * scale};
  }

  private double[] stats(long[] kept, long week) {
    if (kept == null) {
      return null;
    }
    int n = 0;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < weeks; i++) {
      if (kept[i] >= week - weeks && kept[i] < week) {
        n++;
        sum += kept[weeks + i];
        squares += (double) kept[weeks + i] * kept[weeks + i];
      }
    }
    if (n < minWeeks) {
      return null;
    }
    double mean = sum / n;
    double sampleVariance = n > 1 ? (squares - n * mean * mean) / (n - 1) : mean;
    double variance = Math.max(mean, sampleVariance) * (1 + 1.0 / n);
    return new double[] {mean, variance};
  }
}
