package io.demandmonitor.replay;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a replay running in this JVM has read: events and the time reached. Fed by the
 * replay's source, read by the replay command's progress line (embedded runtime only).
 */
public final class ReplayProgress {

  private static final AtomicLong EVENTS = new AtomicLong();
  private static final AtomicLong REACHED = new AtomicLong(Long.MIN_VALUE);

  private ReplayProgress() {}

  public static void reached(long eventTime, long events) {
    EVENTS.addAndGet(events);
    REACHED.accumulateAndGet(eventTime, Math::max);
  }

  public static void reset() {
    EVENTS.set(0);
    REACHED.set(Long.MIN_VALUE);
  }

  public static long events() {
    return EVENTS.get();
  }

  /** Event time read up to, epoch millis; Long.MIN_VALUE before the first hour. */
  public static long reached() {
    return REACHED.get();
  }
}
