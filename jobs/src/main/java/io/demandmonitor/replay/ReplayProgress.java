package io.demandmonitor.replay;

import io.demandmonitor.model.HealthEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a replay running in this JVM has read: records and the time reached, fed by the replay's
 * source; and what became of them (events counted, duplicates and others set aside), fed by its
 * health stream. The job's functions reach it through a {@link io.demandmonitor.sink.LocalHandle},
 * so it is read only on the embedded runtime.
 */
public final class ReplayProgress {

  private final AtomicLong events = new AtomicLong();
  private final AtomicLong reached = new AtomicLong(Long.MIN_VALUE);
  private final Map<String, Long> counted = new ConcurrentHashMap<>();

  public void reached(long eventTime, long records) {
    events.addAndGet(records);
    reached.accumulateAndGet(eventTime, Math::max);
  }

  public void counted(HealthEvent event) {
    counted.merge(event.kind, event.count, Long::sum);
  }

  /** How many records were accepted, or set aside as one kind of {@link HealthEvent}. */
  public long counted(String kind) {
    return counted.getOrDefault(kind, 0L);
  }

  public long events() {
    return events.get();
  }

  /** Event time read up to, epoch millis; Long.MIN_VALUE before the first hour. */
  public long reached() {
    return reached.get();
  }
}
