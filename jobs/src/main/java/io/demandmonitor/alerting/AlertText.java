package io.demandmonitor.alerting;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * An alert change as a person reads it: "LEVEL 3 Safeguarding contacts, Stevenage: 41 in the last
 * hour, expected 18, since 10:42"; and an incident change: "LEVEL 3 Safeguarding contacts in
 * Stevenage, County (safeguarding-1h-count, safeguarding-1h-baseline), 2 episodes, 2 open, since
 * Mon 10:42".
 */
public final class AlertText implements Serializable {

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("EEE HH:mm", Locale.UK);

  private final ReferenceData reference;
  private final ZoneId zone;

  public AlertText(ReferenceData reference, ZoneId zone) {
    this.reference = reference;
    this.zone = zone;
  }

  public String describe(SurgeAlert alert) {
    String head =
        switch (alert.getState()) {
          case RAISED -> "LEVEL " + alert.getLevel();
          case ESCALATED -> "LEVEL " + alert.getLevel() + " (up)";
          case DE_ESCALATED -> "LEVEL " + alert.getLevel() + " (down)";
          case RESOLVED -> "RESOLVED";
        };
    StringBuilder text =
        new StringBuilder(head)
            .append(' ')
            .append(reference.service(alert.getService()).name())
            .append(", ")
            .append(reference.areaName(alert.getDistrict()))
            .append(": ")
            .append(observed(alert));
    if (alert.getExpected() != null) {
      text.append(String.format(Locale.UK, ", expected %.0f", alert.getExpected()));
    } else if (alert.getState() != AlertState.RESOLVED
        && !alert.getDetector().equals(FeedWatch.FEED_SILENT)) {
      text.append(", threshold ").append(number(alert.getMeasure(), alert.getThreshold()));
    }
    text.append(", since ").append(CLOCK.format(alert.getEpisodeStart().atZone(zone)));
    if (alert.getProvisional()) {
      text.append(" (provisional)");
    }
    return text.toString();
  }

  public String describe(SurgeIncident incident) {
    String head =
        switch (incident.getState()) {
          case OPENED -> "OPENED at level " + incident.getLevel();
          case UPDATED ->
              incident.getOpenEpisodes() == 0 ? "QUIET" : "LEVEL " + incident.getLevel();
          case CLOSED -> "CLOSED";
        };
    StringBuilder text =
        new StringBuilder(head)
            .append(' ')
            .append(reference.service(incident.getService()).name())
            .append(" in ")
            .append(
                String.join(", ", incident.getAreas().stream().map(reference::areaName).toList()))
            .append(" (")
            .append(String.join(", ", incident.getRules()))
            .append("), ");
    int episodes = incident.getEpisodes();
    text.append(episodes).append(episodes == 1 ? " episode, " : " episodes, ");
    String start = CLOCK.format(incident.getStart().atZone(zone));
    if (incident.getState() == IncidentState.CLOSED) {
      text.append(
          String.format(
              Locale.UK,
              "peak level %d, %s to %s",
              incident.getPeakLevel(),
              start,
              CLOCK.format(incident.getQuietSince().atZone(zone))));
    } else if (incident.getOpenEpisodes() == 0) {
      text.append(
          String.format(
              Locale.UK,
              "%s at %s, peak level %d, since %s",
              episodes == 1 ? "resolved" : "all resolved",
              CLOCK.format(incident.getQuietSince().atZone(zone)),
              incident.getPeakLevel(),
              start));
    } else {
      text.append(String.format(Locale.UK, "%d open, since %s", incident.getOpenEpisodes(), start));
    }
    return text.toString();
  }

  private static String observed(SurgeAlert alert) {
    String window = window(alert.getWindow());
    double value = alert.getObserved();
    return switch (alert.getMeasure()) {
      case "count" -> String.format(Locale.UK, "%.0f in the last %s", value, window);
      case "rate_per_100k" ->
          String.format(Locale.UK, "%.1f per 100,000 residents in the last %s", value, window);
      case "abandoned_rate" ->
          String.format(Locale.UK, "%.0f%% of calls abandoned in the last %s", 100 * value, window);
      case "positivity" ->
          String.format(Locale.UK, "%.0f%% of tests positive in the last %s", 100 * value, window);
      case "minutes_silent" -> String.format(Locale.UK, "no events for %.0f minutes", value);
      default -> alert.getMeasure() + " " + value;
    };
  }

  private static String number(String measure, double value) {
    return measure.endsWith("_rate") || measure.equals("positivity")
        ? String.format(Locale.UK, "%.0f%%", 100 * value)
        : String.format(Locale.UK, "%.1f", value);
  }

  private static String window(String iso) {
    Duration d = Duration.parse(iso);
    if (d.equals(Duration.ofHours(1))) {
      return "hour";
    }
    return d.toDays() >= 1 && d.toHours() % 24 == 0
        ? d.toDays() + (d.toDays() == 1 ? " day" : " days")
        : d.toHours() >= 1 && d.toMinutesPart() == 0
            ? d.toHours() + " hours"
            : d.toMinutes() + " minutes";
  }
}
