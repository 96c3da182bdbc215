package io.demandmonitor.sink;

import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.influxdb.dto.Point;

/**
 * Alert or incident changes as points of their run: one per change, at the change's event time,
 * tagged so that a change written twice overwrites itself.
 */
public final class ChangeLines<T> implements ToLines<T> {

  /** Sets a change's time, and its tags and fields besides the run. */
  private interface Describe<T> extends Serializable {
    void describe(T change, Point.Builder point);
  }

  private final String measurement;
  private final String run;
  private final Describe<T> describe;

  private ChangeLines(String measurement, String run, Describe<T> describe) {
    this.measurement = measurement;
    this.run = run;
    this.describe = describe;
  }

  /**
   * {@code alerts} points, for Grafana's annotations and tables: tagged by series, rule and state,
   * so the changes of one episode never overwrite each other.
   */
  public static ChangeLines<SurgeAlert> alerts(
      ReferenceData reference, AlertText text, String run) {
    return new ChangeLines<>(
        "alerts",
        run,
        (alert, point) -> {
          point
              .time(alert.getChangedAt().toEpochMilli(), TimeUnit.MILLISECONDS)
              .tag("service", alert.getService())
              .tag("district", reference.areaName(alert.getDistrict()))
              .tag("detector", alert.getDetector())
              .tag("horizon", alert.getWindow())
              .tag("state", alert.getState().name())
              .addField("alert_id", alert.getAlertId())
              .addField("level", alert.getLevel())
              .addField("measure", alert.getMeasure())
              .addField("observed", alert.getObserved())
              .addField("threshold", alert.getThreshold())
              .addField("episode_start", alert.getEpisodeStart().toEpochMilli())
              .addField("provisional", alert.getProvisional())
              .addField("message", text.describe(alert));
          if (alert.getExpected() != null) {
            point.addField("expected", alert.getExpected());
          }
        });
  }

  /**
   * {@code incidents} points, for Grafana's routing rule, tables and annotations: tagged by service
   * and state (a service has one incident change at a time at most).
   */
  public static ChangeLines<SurgeIncident> incidents(
      ReferenceData reference, AlertText text, String run) {
    return new ChangeLines<>(
        "incidents",
        run,
        (incident, point) ->
            point
                .time(incident.getChangedAt().toEpochMilli(), TimeUnit.MILLISECONDS)
                .tag("service", incident.getService())
                .tag("state", incident.getState().name())
                .addField("incident_id", incident.getIncidentId())
                .addField("level", incident.getLevel())
                .addField("peak_level", incident.getPeakLevel())
                // What Grafana notifies on: the peak while open, so a level dipping below 3 and
                // rising again does not notify again; 1 once closed.
                .addField(
                    "notify_level",
                    incident.getState() == IncidentState.CLOSED ? 1 : incident.getPeakLevel())
                .addField(
                    "areas",
                    String.join(
                        ", ", incident.getAreas().stream().map(reference::areaName).toList()))
                .addField("rules", String.join(", ", incident.getRules()))
                .addField("open_episodes", incident.getOpenEpisodes())
                .addField("episodes", incident.getEpisodes())
                .addField("start", incident.getStart().toEpochMilli())
                .addField("message", text.describe(incident)));
  }

  @Override
  public void add(T change, long now, Consumer<String> out) {
    out.accept(line(change));
  }

  /** The change as one line of line protocol. */
  public String line(T change) {
    Point.Builder point = Point.measurement(measurement).tag("run", run);
    describe.describe(change, point);
    return point.build().lineProtocol(TimeUnit.MILLISECONDS);
  }
}
