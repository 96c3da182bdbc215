package io.demandmonitor.sink;

import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeIncident;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.influxdb.dto.Point;

/**
 * Incident changes as {@code incidents} points, for Grafana's routing rule, tables and annotations:
 * one per change, at the change's event time, tagged by service and state (a service has one
 * incident change at a time at most), so a change written twice overwrites itself.
 */
public final class IncidentLines implements ToLines<SurgeIncident> {

  public static final String INCIDENTS = "incidents";

  private final ReferenceData reference;
  private final AlertText text;
  private final String run;

  public IncidentLines(ReferenceData reference, AlertText text, String run) {
    this.reference = reference;
    this.text = text;
    this.run = run;
  }

  @Override
  public void add(SurgeIncident incident, long now, Consumer<String> out) {
    out.accept(point(incident).lineProtocol(TimeUnit.MILLISECONDS));
  }

  public Point point(SurgeIncident incident) {
    boolean closed = incident.getState() == IncidentState.CLOSED;
    return Point.measurement(INCIDENTS)
        .time(incident.getChangedAt().toEpochMilli(), TimeUnit.MILLISECONDS)
        .tag("run", run)
        .tag("service", incident.getService())
        .tag("state", incident.getState().name())
        .addField("incident_id", incident.getIncidentId())
        .addField("level", incident.getLevel())
        .addField("peak_level", incident.getPeakLevel())
        // What Grafana notifies on: the peak while open, so a level dipping below 3 and rising
        // again
        // does not notify again; 1 once closed.
        .addField("notify_level", closed ? 1 : incident.getPeakLevel())
        .addField(
            "areas",
            String.join(", ", incident.getAreas().stream().map(reference::areaName).toList()))
        .addField("rules", String.join(", ", incident.getRules()))
        .addField("open_episodes", incident.getOpenEpisodes())
        .addField("episodes", incident.getEpisodes())
        .addField("start", incident.getStart().toEpochMilli())
        .addField("message", text.describe(incident))
        .build();
  }
}
