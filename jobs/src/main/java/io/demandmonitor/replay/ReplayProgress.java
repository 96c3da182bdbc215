package io.demandmonitor.replay;

import io.demandmonitor.model.HealthEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a replay running in this JVM has read: records and the time reached, fed by the replay's
 * source; and what became of them (events counted, duplicates and others set aside), fed by its
 * health stream. Read by the replay command (embedded runtime only).
 */
public final class ReplayProgress {

  private static final AtomicLong EVENTS = new AtomicLong();
  private static final AtomicLong REACHED = new AtomicLong(Long.MIN_VALUE);
  private static final Map<String, Long> COUNTED = new ConcurrentHashMap<>();

  private ReplayProgress() {}

  public static void reached(long eventTime, long events) {
    EVENTS.addAndGet(events);
    REACHED.accumulateAndGet(eventTime, Math::max);
  }

  public static void reset() {
    EVENTS.set(0);
    REACHED.set(Long.MIN_VALUE);
    COUNTED.clear();
  }

  public static void counted(HealthEvent event) {
    COUNTED.merge(event.kind, event.count, Long::sum);
  }

  /** How many records were accepted, or set aside as one kind of {@link HealthEvent}. */
  public static long counted(String kind) {
    return COUNTED.getOrDefault(kind, 0L);
  }

  public static long events() {
    return EVENTS.get();
  }

  /** Event time read up to, epoch millis; Long.MIN_VALUE before the first hour. */
  public static long reached() {
    return REACHED.get();
  }
}
