package io.demandmonitor.demand;

import java.util.Arrays;

/**
 * Everything {@link RollingWindows} keeps of one series, in one keyed state value so that a step
 * costs one state access: the sums of its non-empty minutes in ascending order, each horizon's
 * running sums, how far it is final and the event-time timer it has asked for. A Flink POJO.
 *
 * <p>Minutes are kept sparse (a sorted array, not a ring of every minute of the retention): a
 * sparse series holds a few entries instead of thousands of empty slots, and a slide walks only the
 * minutes that hold events.
 */
public class SeriesState {

  /** Sums kept per minute and per horizon: the count and the service's two sums (ServiceSums). */
  static final int COUNT = 0;

  static final int A = 1;
  static final int B = 2;
  static final int SUMS = 3;

  /** No event-time timer registered. */
  static final long NO_TIMER = Long.MIN_VALUE;

  /** The newest minute with an event. */
  public long newestMinute;

  /** Minutes before this are final: each horizon's running sums are of its last window end. */
  public long finalizedUpTo;

  /** The event-time timer this series has registered, or {@link #NO_TIMER}. */
  public long timer = NO_TIMER;

  /** SUMS per horizon: each horizon's window ending at its last step boundary <= finalizedUpTo. */
  public long[] running;

  /** The non-empty minutes, ascending; entries from {@code size} on are unused capacity. */
  public long[] minutes;

  /** SUMS per entry of {@link #minutes}. */
  public long[] sums;

  public int size;

  public SeriesState() {}

  SeriesState(int horizons, long finalizedUpTo) {
    this.running = new long[SUMS * horizons];
    this.minutes = new long[4];
    this.sums = new long[SUMS * 4];
    this.finalizedUpTo = finalizedUpTo;
    this.newestMinute = Long.MIN_VALUE;
  }

  /** Adds an event (or a minute's sums) to its minute. */
  void add(long minute, long count, long a, long b) {
    int i = indexFrom(minute);
    if (i == size || minutes[i] != minute) {
      if (size == minutes.length) {
        minutes = Arrays.copyOf(minutes, 2 * size);
        sums = Arrays.copyOf(sums, SUMS * 2 * size);
      }
      System.arraycopy(minutes, i, minutes, i + 1, size - i);
      System.arraycopy(sums, SUMS * i, sums, SUMS * (i + 1), SUMS * (size - i));
      minutes[i] = minute;
      sums[SUMS * i + COUNT] = 0;
      sums[SUMS * i + A] = 0;
      sums[SUMS * i + B] = 0;
      size++;
    }
    sums[SUMS * i + COUNT] += count;
    sums[SUMS * i + A] += a;
    sums[SUMS * i + B] += b;
    newestMinute = Math.max(newestMinute, minute);
  }

  /**
   * Adds {@code sign} times the sums of the minutes in [from, to) into {@code target} at {@code
   * offset}.
   */
  void addRange(long[] target, int offset, long from, long to, int sign) {
    for (int i = indexFrom(from); i < size && minutes[i] < to; i++) {
      target[offset + COUNT] += sign * sums[SUMS * i + COUNT];
      target[offset + A] += sign * sums[SUMS * i + A];
      target[offset + B] += sign * sums[SUMS * i + B];
    }
  }

  /** The first non-empty minute at or after {@code minute}, or Long.MAX_VALUE. */
  long firstFrom(long minute) {
    int i = indexFrom(minute);
    return i < size ? minutes[i] : Long.MAX_VALUE;
  }

  /** Forgets the minutes before {@code minute}. */
  void dropBefore(long minute) {
    int n = indexFrom(minute);
    if (n > 0) {
      System.arraycopy(minutes, n, minutes, 0, size - n);
      System.arraycopy(sums, SUMS * n, sums, 0, SUMS * (size - n));
      size -= n;
    }
  }

  /** The index of the first entry at or after {@code minute} (size if none). */
  int indexFrom(long minute) {
    if (size == 0 || minutes[size - 1] < minute) {
      return size; // the common case: events in order
    }
    int low = 0;
    int high = size - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (minutes[mid] < minute) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
