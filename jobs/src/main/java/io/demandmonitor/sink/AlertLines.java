package io.demandmonitor.sink;

import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.schema.SurgeAlert;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.influxdb.dto.Point;

/**
 * Alert changes as {@code alerts} points, for Grafana's annotations and tables: one per change, at
 * the change's event time, tagged by series, rule and state, so a change written twice overwrites
 * itself and the changes of one episode never overwrite each other.
 */
public final class AlertLines implements ToLines<SurgeAlert> {

  public static final String ALERTS = "alerts";

  private final ReferenceData reference;
  private final AlertText text;
  private final String run;

  public AlertLines(ReferenceData reference, AlertText text, String run) {
    this.reference = reference;
    this.text = text;
    this.run = run;
  }

  @Override
  public void add(SurgeAlert alert, long now, Consumer<String> out) {
    out.accept(point(alert).lineProtocol(TimeUnit.MILLISECONDS));
  }

  public Point point(SurgeAlert alert) {
    Point.Builder point =
        Point.measurement(ALERTS)
            .time(alert.getChangedAt().toEpochMilli(), TimeUnit.MILLISECONDS)
            .tag("run", run)
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
    return point.build();
  }
}
