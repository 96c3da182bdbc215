package io.demandmonitor.sink;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the InfluxDB writers of this JVM say while InfluxDB does not take their points: one line
 * when the first writer starts waiting, one a minute while any still waits, one when the last has
 * written again. Every writer waits on its own, so without this an outage would be a line per
 * writer per retry. The embedded run shows these lines on the console; on a cluster they are in the
 * task managers' logs.
 */
public final class InfluxOutage {

  /** The logger the console follows. */
  public static final String LOGGER = InfluxOutage.class.getName();

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final long NOTICE_EVERY = 60_000;

  private static final Set<String> waiting = new HashSet<>();
  private static long since = -1;
  private static long lastNotice;

  private InfluxOutage() {}

  /** A writer's write failed and it waits to retry, holding {@code held} points. */
  static synchronized void waiting(String writer, String reason, long held, long now) {
    if (waiting.isEmpty() && since < 0) {
      since = now;
      lastNotice = now;
      LOG.warn(
          "InfluxDB does not take the points ({}). The job holds them back and waits, retrying "
              + "every few seconds: nothing is lost, demand and alerts are late until it answers.",
          reason);
    } else if (now - lastNotice >= NOTICE_EVERY) {
      lastNotice = now;
      LOG.warn(
          "InfluxDB has not taken points for {}; still waiting, {} points held back by {} ({}).",
          format(now - since),
          held,
          writer,
          reason);
    }
    waiting.add(writer);
  }

  /** A writer wrote, or stopped: it no longer waits. */
  static synchronized void done(String writer, long now) {
    if (waiting.remove(writer) && waiting.isEmpty()) {
      LOG.warn(
          "InfluxDB takes points again after {}; the job writes what it held back.",
          format(now - since));
      since = -1;
    }
  }

  /** A writer closed (the job stopped or restarts) while it may have been waiting. */
  static synchronized void closed(String writer) {
    if (waiting.remove(writer) && waiting.isEmpty()) {
      since = -1;
    }
  }

  private static String format(long millis) {
    return Duration.ofSeconds(millis / 1000).toString().substring(2).toLowerCase();
  }
}
