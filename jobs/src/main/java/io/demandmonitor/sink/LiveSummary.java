package io.demandmonitor.sink;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.demand.MinuteCount;
import io.demandmonitor.ingest.HealthEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded run's console board: what the pipeline has counted, kept in this JVM by
 * {@link CallbackSink}s and rendered by the CLI every few seconds.
 */
public final class LiveSummary {

  private static final long HOUR = 3_600_000L;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("EEE d MMM HH:mm");

  private final Map<String, Long> eventsByService = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Long, Long>> minutesByService = new ConcurrentHashMap<>();
  private final Map<String, Long> setAside = new ConcurrentHashMap<>();
  private volatile long clock = Long.MIN_VALUE;

  private static final LiveSummary INSTANCE = new LiveSummary();

  public static LiveSummary get() {
    return INSTANCE;
  }

  public static void recordDemand(MinuteCount count) {
    INSTANCE.demand(count);
  }

  public static void recordHealth(HealthEvent event) {
    if (!HealthEvent.ACCEPTED.equals(event.kind)) { // accepted demand is on the board already
      INSTANCE.setAside.merge(event.kind, event.count, Long::sum);
    }
  }

  public synchronized void reset() {
    eventsByService.clear();
    minutesByService.clear();
    setAside.clear();
    clock = Long.MIN_VALUE;
  }

  private synchronized void demand(MinuteCount count) {
    eventsByService.merge(count.service, count.count, Long::sum);
    TreeMap<Long, Long> minutes = minutesByService.computeIfAbsent(count.service, s -> new TreeMap<>());
    minutes.merge(count.windowEnd, count.count, Long::sum);
    clock = Math.max(clock, count.windowEnd);
    minutes.headMap(clock - HOUR, true).clear();
  }

  public long events(String service) {
    return eventsByService.getOrDefault(service, 0L);
  }

  public long setAside(String kind) {
    return setAside.getOrDefault(kind, 0L);
  }

  public synchronized String render(ReferenceData reference, ZoneId zone) {
    StringBuilder out = new StringBuilder();
    out.append(clock == Long.MIN_VALUE ? "Demand so far: nothing counted yet (waiting for the first minute to close)\n"
        : "Demand counted up to " + CLOCK.format(Instant.ofEpochMilli(clock).atZone(zone)) + "\n");
    out.append(String.format("  %-24s %10s %12s%n", "service", "events", "last hour"));
    for (Service service : reference.services()) {
      TreeMap<Long, Long> minutes = minutesByService.getOrDefault(service.id(), new TreeMap<>());
      long lastHour = minutes.tailMap(clock - HOUR, false).values().stream().mapToLong(Long::longValue).sum();
      out.append(String.format("  %-24s %10d %12d%n", service.name(), events(service.id()), lastHour));
    }
    out.append(String.format("  set aside: %d dead letters, %d late, %d duplicates%n",
        setAside(HealthEvent.DEAD_LETTER), setAside(HealthEvent.LATE), setAside(HealthEvent.DUPLICATE)));
    return out.toString();
  }
}
