package io.demandmonitor.alerting;

import io.demandmonitor.config.ReferenceData;
import java.io.Serializable;
import java.time.Duration;
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
 * far. The history is of clock hours whatever the rule's horizon; a rule on a longer horizon (24
 * hours, say) expects the sum of the hours its window covers, and learns its dispersion from its
 * own window's predictions, since demand varies more from day to day than hour to hour explains.
 */
public final class SeasonalBaseline implements Serializable {

  static final long HOUR = 3_600_000L;
  static final long WEEK = 7 * 24 * HOUR;
  private static final int HOLIDAY = 168;
  private static final double MAX_DISPERSION = 5;

  /** Term-time events behind a holiday ratio before it is trusted. */
  private static final double RATIO_EVIDENCE = 30;

  /** Predictions behind a learnt dispersion before it is trusted. */
  private static final long DISPERSION_EVIDENCE = 100;

  /**
   * A longer rule's prediction counts towards its dispersion as at most this many of its standard
   * deviations off (winsorized, Huber 1964): a rise of days that the rule does not (yet) alert on,
   * a county-wide surge in its first hours or a district's surge in the county total, is one
   * prediction after another far off, and would otherwise widen the dispersion for weeks.
   */
  static final double DISPERSION_WINSOR = 2.5;

  /** What winsorizing at {@link #DISPERSION_WINSOR} takes from normal errors' mean square. */
  private static final double WINSOR_CONSISTENCY = consistency(DISPERSION_WINSOR);

  /** Where the history lives: Flink keyed state in the job, maps in tests. */
  public interface History {
    /** The hour of the week's counts, or null if none kept. */
    HourHistory hour(int slot) throws Exception;

    void put(int slot, HourHistory hour) throws Exception;

    /** What else the rule has learnt about the series (new and empty if nothing yet). */
    BaselineSums sums() throws Exception;

    void put(BaselineSums sums) throws Exception;

    /**
     * An hour's mean and variance as last worked out, if the history keeps them until it next
     * changes (every value asks again for the same few hours); null if not kept. {@link #NO_STATS}
     * for an hour with too little history.
     */
    default double[] stats(long hourStart) {
      return null;
    }

    default void stats(long hourStart, double[] stats) {}

    /**
     * The count of the clock hour starting at {@code hourStart} was kept: the stats of that hour of
     * the week are out of date in every week (later weeks count it; earlier ones counted the oldest
     * week, which its ring may have dropped), and so are sums of whole hours including one of them.
     */
    default void learnt(long hourStart) {}

    /**
     * The sums of mean, variance and 1 / weeks of the whole clock hours from {@code from} to {@code
     * to}, as last worked out, if the history keeps them until they change (a 24-hour value every 5
     * minutes asks for the same 23 hours); null if not kept. {@link #NO_STATS} if an hour among
     * them has too little history.
     */
    default double[] wholeHours(long from, long to) {
      return null;
    }

    default void wholeHours(long from, long to, double[] sums) {}
  }

  /** The stats of an hour with too little history, as a {@link History} keeps them. */
  public static final double[] NO_STATS = new double[0];

  /**
   * The expected count of a window, and the factor its variance exceeds a Poisson's by; with {@code
   * exact}, deviations are the exact tail's ({@link CountTail}) for a mean of {@code mean + prior},
   * else Anscombe's.
   */
  public record Expectation(double mean, double dispersion, boolean exact, double prior) {

    public Expectation(double mean, double dispersion) {
      this(mean, dispersion, false, 0);
    }

    /** Standard deviations above expected (negative below). */
    public double z(long observed) {
      if (exact) {
        return CountTail.z(observed, mean + prior, dispersion);
      }
      return 2 * (Math.sqrt(observed + 0.375) - Math.sqrt(mean + 0.375)) / Math.sqrt(dispersion);
    }

    /** The count that is {@code z} standard deviations above expected. */
    public double countAt(double z) {
      if (exact) {
        return CountTail.countAt(z, mean + prior, dispersion);
      }
      double root = z * Math.sqrt(dispersion) / 2 + Math.sqrt(mean + 0.375);
      return root * root - 0.375;
    }
  }

  private final ReferenceData reference;
  private final ZoneId zone;
  private final int weeks;
  private final int minWeeks;
  private final long horizon;
  private final boolean exact;

  /**
   * Slots by hour start, direct-mapped by hour number: every value asks for the same few hours, and
   * the calendar is not cheap.
   */
  private transient long[] slotHours;

  private transient int[] slots;

  private static final int SLOTS_KEPT = 1 << 14; // hours, almost two years

  /**
   * @param horizon the length of the windows the rule assesses (a whole number of hours)
   */
  public SeasonalBaseline(
      ReferenceData reference, ZoneId zone, int weeks, int minWeeks, Duration horizon) {
    this(reference, zone, weeks, minWeeks, horizon, false);
  }

  /**
   * @param exact deviations from the exact Poisson or negative-binomial tail, not Anscombe's
   */
  public SeasonalBaseline(
      ReferenceData reference,
      ZoneId zone,
      int weeks,
      int minWeeks,
      Duration horizon,
      boolean exact) {
    this.reference = reference;
    this.zone = zone;
    this.weeks = weeks;
    this.minWeeks = minWeeks;
    this.horizon = horizon.toMillis();
    this.exact = exact;
  }

  /** Hour of the week (Monday 00:00 local is 0), plus 168 in school holidays. */
  public int slot(long hourStart) {
    if (slots == null) {
      slotHours = new long[SLOTS_KEPT];
      java.util.Arrays.fill(slotHours, Long.MIN_VALUE);
      slots = new int[SLOTS_KEPT];
    }
    int at = (int) Math.floorMod(Math.floorDiv(hourStart, HOUR), SLOTS_KEPT);
    if (slotHours[at] != hourStart) {
      slots[at] = slotOf(hourStart);
      slotHours[at] = hourStart;
    }
    return slots[at];
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
    BaselineSums sums = history.sums();
    long learnt = sums.learntTo;
    long from = learnt == BaselineSums.NONE ? ended : Math.max(learnt, ended - weeks * WEEK);
    for (long end = from + HOUR; end <= ended; end += HOUR) {
      learnHour(history, end - HOUR, end == windowEnd ? count : 0);
    }
    if (windowEnd == ended
        && windowEnd <= from) { // the series' first value on the hour, or a correction
      learnHour(history, windowEnd - HOUR, count);
    }
    if (learnt == BaselineSums.NONE || ended > learnt) {
      sums = history.sums();
      sums.learntTo = ended;
      history.put(sums);
    }
  }

  /**
   * Notes that the rule is in alert in the window ending at {@code windowEnd}: the clock hour it
   * ends in is not learnt.
   */
  public void alerted(History history, long windowEnd) throws Exception {
    long hourStart = Math.floorDiv(windowEnd - 1, HOUR) * HOUR;
    BaselineSums sums = history.sums();
    if (sums.alertedHour != hourStart) {
      sums.alertedHour = hourStart;
      history.put(sums);
    }
  }

  private void learnHour(History history, long hourStart, long count) throws Exception {
    if (history.sums().alertedHour != hourStart) {
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
    if (horizon == HOUR) { // how far off the baseline was, before it learns this hour
      double[] predicted = hourStats(history, hourStart);
      if (predicted != null) {
        predicted(history, count, predicted[0], false);
      }
    }
    HourHistory kept = history.hour(slot);
    kept = kept == null ? new HourHistory() : kept;
    kept.put(week, count, weeks);
    history.put(slot, kept);
    history.learnt(hourStart);
    if (slot >= HOLIDAY) { // learn how holidays differ from term time
      HourHistory termHour = history.hour(slot - HOLIDAY);
      double[] term = termHour == null ? null : termHour.stats(week, weeks, minWeeks);
      if (term != null) {
        BaselineSums sums = history.sums();
        sums.holidayCounts += count;
        sums.termMeans += term[0];
        history.put(sums);
      }
    }
  }

  /**
   * For a rule on a longer horizon than an hour: learns how far off its expectation of a final
   * value was (values ending on the hour only, so every window counts alike).
   */
  public void assessed(History history, long windowEnd, long count, Expectation expected)
      throws Exception {
    if (horizon > HOUR && Math.floorMod(windowEnd, HOUR) == 0) {
      predicted(history, count, expected.mean(), true);
    }
  }

  /**
   * Adds one prediction's squared error over expected to the dispersion's sums; {@code winsorized},
   * once the dispersion is learnt, at most {@link #DISPERSION_WINSOR}^2 times it (divided by {@link
   * #WINSOR_CONSISTENCY}).
   */
  private static void predicted(History history, long count, double expected, boolean winsorized)
      throws Exception {
    if (expected >= 1) {
      BaselineSums sums = history.sums();
      double error = (count - expected) * (count - expected) / expected;
      if (winsorized && sums.predictions >= DISPERSION_EVIDENCE) {
        double learnt =
            Math.min(MAX_DISPERSION, Math.max(1, sums.squaredErrors / sums.predictions));
        error =
            Math.min(error, DISPERSION_WINSOR * DISPERSION_WINSOR * learnt) / WINSOR_CONSISTENCY;
      }
      sums.squaredErrors += error;
      sums.predictions++;
      history.put(sums);
    }
  }

  /** E[min(Z^2, c^2)] for a standard normal Z: 1 - 2c phi(c) - 2 (1 - c^2) (1 - Phi(c)). */
  static double consistency(double c) {
    double density = Math.exp(-c * c / 2) / Math.sqrt(2 * Math.PI);
    double tail = 0.5 * org.apache.commons.math3.special.Erf.erfc(c / Math.sqrt(2));
    return 1 - 2 * c * density - 2 * (1 - c * c) * tail;
  }

  /**
   * The expectation for the window [from, to), or null while fewer than min-weeks of history exist.
   */
  public Expectation expected(History history, long from, long to) throws Exception {
    // The partial hours at either end, and the whole hours between, summed once while they last.
    long firstWhole = Math.floorDiv(from + HOUR - 1, HOUR) * HOUR;
    long endWhole = Math.max(firstWhole, Math.floorDiv(to, HOUR) * HOUR);
    double[] total = new double[3];
    if (from < firstWhole
        && !add(history, firstWhole - HOUR, from, Math.min(to, firstWhole), total)) {
      return null;
    }
    if (endWhole > firstWhole) {
      double[] whole = wholeHours(history, firstWhole, endWhole);
      if (whole == null) {
        return null;
      }
      for (int i = 0; i < total.length; i++) {
        total[i] += whole[i];
      }
    }
    if (to > endWhole && !add(history, endWhole, endWhole, to, total)) {
      return null;
    }
    double mean = total[0];
    double variance = total[1];
    double prior = total[2];
    BaselineSums sums = history.sums();
    double dispersion =
        sums.predictions >= DISPERSION_EVIDENCE
            ? sums.squaredErrors / sums.predictions
            : mean > 0 ? variance / mean : 1;
    // An exact tail at a mean learnt from a few weeks of mostly empty hours takes that mean at its
    // word: 3 events where 8 weeks saw none is z 8. As if one more event had been seen in the weeks
    // kept, the mean of such an hour is never taken for nothing.
    return new Expectation(
        mean, Math.min(MAX_DISPERSION, Math.max(1, dispersion)), exact, exact ? prior : 0);
  }

  /** The whole hours' sums, kept by the history while they last; null if an hour has no stats. */
  private double[] wholeHours(History history, long from, long to) throws Exception {
    double[] kept = history.wholeHours(from, to);
    if (kept == null) {
      kept = new double[3];
      for (long hour = from; hour < to; hour += HOUR) {
        if (!add(history, hour, hour, hour + HOUR, kept)) {
          kept = NO_STATS;
          break;
        }
      }
      history.wholeHours(from, to, kept);
    }
    return kept == NO_STATS ? null : kept;
  }

  /**
   * Adds the part [from, to) of the clock hour starting at {@code hour} to mean, variance and prior
   * sums; false if the hour has too little history.
   */
  private boolean add(History history, long hour, long from, long to, double[] sums)
      throws Exception {
    double[] stats = hourStats(history, hour);
    if (stats == null) {
      return false;
    }
    double weight = (double) (to - from) / HOUR;
    sums[0] += weight * stats[0];
    sums[1] += weight * stats[1];
    sums[2] += weight / stats[2];
    return true;
  }

  /**
   * Mean and variance (with the uncertainty of the mean) of a clock hour's history, from its own
   * slot, else the same hour of the week in the other kind of week (term or holiday).
   */
  private double[] hourStats(History history, long hourStart) throws Exception {
    double[] kept = history.stats(hourStart);
    if (kept == null) {
      kept = hourStatsOf(history, hourStart);
      history.stats(hourStart, kept == null ? NO_STATS : kept);
    }
    return kept == NO_STATS ? null : kept;
  }

  private double[] hourStatsOf(History history, long hourStart) throws Exception {
    int slot = slot(hourStart);
    long week = Math.floorDiv(hourStart, WEEK);
    HourHistory own = history.hour(slot);
    double[] stats = own == null ? null : own.stats(week, weeks, minWeeks);
    if (stats != null) {
      return stats;
    }
    boolean holiday = slot >= HOLIDAY;
    HourHistory other = history.hour(holiday ? slot - HOLIDAY : slot + HOLIDAY);
    stats = other == null ? null : other.stats(week, weeks, minWeeks);
    if (stats == null) {
      return null;
    }
    BaselineSums sums = history.sums();
    double ratio = sums.termMeans < RATIO_EVIDENCE ? 1 : sums.holidayCounts / sums.termMeans;
    double scale = holiday ? ratio : 1 / Math.max(ratio, 0.01);
    return new double[] {stats[0] * scale, stats[1] * scale, stats[2]};
  }

  /**
   * Reads one rule's history as release 0.2 kept it (a {@code long[]} per slot: the week numbers,
   * then the counts; slot -1 the holiday ratio's sums, the term means x1000; -2 the dispersion's
   * sums, x1000, and how many; -3 the end of the newest hour learnt; -4 the newest hour in alert)
   * into {@code history}.
   */
  public void migrate(java.util.Map<Integer, long[]> old, History history) throws Exception {
    BaselineSums sums = history.sums();
    for (var entry : old.entrySet()) {
      long[] a = entry.getValue();
      switch (entry.getKey()) {
        case -1 -> {
          sums.holidayCounts = a[0];
          sums.termMeans = a[1] / 1000.0;
        }
        case -2 -> {
          sums.squaredErrors = a[0] / 1000.0;
          sums.predictions = a[1];
        }
        case -3 -> sums.learntTo = a[0];
        case -4 -> sums.alertedHour = a[0];
        default -> {
          HourHistory hour = new HourHistory();
          int kept = a.length / 2;
          for (int i = 0; i < kept; i++) {
            if (a[i] != Long.MIN_VALUE) {
              hour.put(a[i], a[kept + i], weeks);
            }
          }
          history.put(entry.getKey(), hour);
        }
      }
    }
    history.put(sums);
  }
}
