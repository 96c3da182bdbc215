package io.demandmonitor.sink;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.model.HealthEvent;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The embedded run's console board: the county's rolling demand per service and horizon, and what
 * was set aside, kept in this JVM by {@link CallbackSink}s (which reach it through a {@link
 * LocalHandle}) and rendered by the CLI.
 */
public final class LiveSummary {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("EEE d MMM HH:mm");
  private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Map<String, RollingValue> latest =
      new ConcurrentHashMap<>(); // service|horizon -> newest
  private final Map<String, Long> counted = new ConcurrentHashMap<>();

  /** The horizons of config/windows.yaml, as the county totals bring them: the board's columns. */
  private final java.util.concurrent.ConcurrentSkipListMap<java.time.Duration, String> horizons =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  private volatile long complete = Long.MIN_VALUE; // watermark: event time demand is complete up to

  /**
   * A county total: the newest window of its service and horizon, final or provisional, as a store
   * that overwrites by window end shows it (a later value for the same window replaces the earlier
   * one). A final value of a window ending after now, or after the end of a bounded input, is
   * skipped: at the end of a bounded run event time jumps to the end of time and every series falls
   * to zero in windows that have not happened yet. A provisional window may end after now: it is
   * still open.
   */
  public void recordDemand(RollingValue value) {
    if (!value.provisional && value.windowEnd > happenedUpTo()) {
      return;
    }
    if (!horizons.containsValue(value.horizon)) {
      horizons.put(java.time.Duration.parse(value.horizon), value.horizon);
    }
    latest.merge(
        value.service + "|" + value.horizon,
        value,
        (old, now) -> now.windowEnd >= old.windowEnd ? now : old);
  }

  /**
   * The county totals' watermark: demand is complete up to this event time. The end-of-input
   * watermark (the end of time) is skipped for the same reason as the windows after now.
   */
  public void recordWatermark(long watermark) {
    if (watermark <= happenedUpTo()) {
      complete = Math.max(complete, watermark);
    }
  }

  private volatile long inputEnd = Long.MAX_VALUE;

  /** Alert changes not yet printed, oldest first. */
  private final Queue<SurgeAlert> alerts = new ConcurrentLinkedQueue<>();

  /** Incident changes not yet printed, oldest first. */
  private final Queue<SurgeIncident> incidents = new ConcurrentLinkedQueue<>();

  public void recordAlert(SurgeAlert alert) {
    alerts.add(alert);
  }

  public void recordIncident(SurgeIncident incident) {
    incidents.add(incident);
  }

  /** The alert changes received since the last call. */
  public List<SurgeAlert> newAlerts() {
    return drain(alerts);
  }

  /** The incident changes received since the last call. */
  public List<SurgeIncident> newIncidents() {
    return drain(incidents);
  }

  private static <T> List<T> drain(Queue<T> queue) {
    List<T> fresh = new ArrayList<>();
    for (T change = queue.poll(); change != null; change = queue.poll()) {
      fresh.add(change);
    }
    return fresh;
  }

  public void recordHealth(HealthEvent event) {
    counted.merge(event.kind, event.count, Long::sum);
  }

  /**
   * The end of a bounded input (the simulated present): what is dated after it has not happened.
   */
  public void inputEndsAt(long time) {
    inputEnd = time;
  }

  /** The wall clock, or the end of a bounded input if earlier. */
  public long happenedUpTo() {
    return Math.min(System.currentTimeMillis(), inputEnd);
  }

  /** How many events were accepted, or set aside as one kind of {@link HealthEvent}. */
  public long counted(String kind) {
    return counted.getOrDefault(kind, 0L);
  }

  /** The newest county value of a service over a horizon (PT1H...), or -1. */
  public long latest(String service, String horizon) {
    RollingValue v = newest(service, horizon);
    return v == null ? -1 : v.count;
  }

  /** The newest county window of a service over a horizon, final or provisional, or null. */
  public RollingValue newest(String service, String horizon) {
    return latest.get(service + "|" + horizon);
  }

  /**
   * Event time demand is complete up to (the watermark), epoch millis; Long.MIN_VALUE before any.
   */
  public long completeUpTo() {
    return complete;
  }

  /**
   * One line instead of the board while the job catches up with the present (a back-fill, a
   * backlog): the horizons' newest values then come from different moments (a 7-day value of the
   * last full hour beside a 24-hour value of the last five minutes) and would not agree.
   */
  public String catchingUp(ZoneId zone) {
    return String.format(
        "Catching up: demand complete up to %s (event time), %,d events counted%n",
        complete == Long.MIN_VALUE
            ? "nothing yet"
            : CLOCK.format(Instant.ofEpochMilli(complete).atZone(zone)),
        counted(HealthEvent.ACCEPTED));
  }

  /**
   * The board: a header with the event time demand is complete up to and the wall clock ({@code
   * now}, or none), then the newest value of every service and horizon.
   */
  public String render(ReferenceData reference, ZoneId zone, Instant now) {
    StringBuilder out =
        new StringBuilder(
            complete == Long.MIN_VALUE
                ? "County demand, nothing complete yet"
                : "County demand, complete up to "
                    + CLOCK.format(Instant.ofEpochMilli(complete).atZone(zone))
                    + " (event time)");
    out.append(now == null ? "\n" : ", at " + WALL_CLOCK.format(now.atZone(zone)) + "\n");
    out.append(String.format("  %-24s", "service"));
    horizons.keySet().forEach(size -> out.append(String.format(" %9s", heading(size))));
    out.append('\n');
    for (Service service : reference.services()) {
      out.append(String.format("  %-24s", service.name()));
      for (String horizon : horizons.values()) {
        long value = latest(service.id(), horizon);
        out.append(String.format(" %9s", value < 0 ? "-" : String.valueOf(value)));
      }
      out.append('\n');
    }
    out.append(
        String.format(
            "  %d events counted; set aside: %d dead letters, %d late, %d duplicates%n",
            counted(HealthEvent.ACCEPTED),
            counted(HealthEvent.DEAD_LETTER),
            counted(HealthEvent.LATE),
            counted(HealthEvent.DUPLICATE)));
    return out.toString();
  }

  /** A horizon as a column heading: 15 min, 1 hour, 24 hours, 7 days. */
  static String heading(java.time.Duration size) {
    if (size.toDays() >= 2 && size.toHours() % 24 == 0) {
      return size.toDays() + " days";
    }
    if (size.toMinutes() % 60 == 0) {
      return size.toHours() == 1 ? "1 hour" : size.toHours() + " hours";
    }
    return size.toMinutes() + " min";
  }
}
