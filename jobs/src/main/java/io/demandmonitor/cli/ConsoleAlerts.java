package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.alerting.FeedWatch;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console lines of alert and incident changes. An incident line is what the duty manager acts
 * on; the episode lines behind it are indented, and a silent feed (never grouped) stands out.
 *
 * <p>While a live run catches up with the past (its back-fill, or a backlog after a stop), the
 * changes of weeks would scroll by in seconds: then each past incident is one line, when it closes,
 * and the incidents still open when the present is reached are shown as they stand then, before
 * every change from there on. A bounded run prints every change: it is all past.
 */
final class ConsoleAlerts {

  private final AlertText text;

  /** Incidents whose changes were held back while catching up: the newest change of each. */
  private final Map<String, SurgeIncident> held = new LinkedHashMap<>();

  ConsoleAlerts(AlertText text) {
    this.text = text;
  }

  synchronized List<String> lines(
      List<SurgeAlert> alerts, List<SurgeIncident> incidents, boolean catchingUp) {
    List<String> lines = new ArrayList<>();
    if (!catchingUp) {
      held.values().forEach(i -> lines.add("INCIDENT " + text.describe(i)));
      held.clear();
    }
    for (SurgeAlert alert : alerts) {
      boolean silentFeed = alert.getDetector().equals(FeedWatch.FEED_SILENT);
      if (silentFeed || !catchingUp) {
        lines.add((silentFeed ? "ALERT " : "  ALERT ") + text.describe(alert));
      }
    }
    for (SurgeIncident incident : incidents) {
      if (!catchingUp || incident.getState() == IncidentState.CLOSED) {
        held.remove(incident.getIncidentId());
        lines.add("INCIDENT " + text.describe(incident));
      } else {
        held.put(incident.getIncidentId(), incident);
      }
    }
    return lines;
  }
}
