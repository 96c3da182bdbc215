package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.alerting.FeedWatch;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A live run's back-fill once printed every alert and incident change of three weeks (over 150
 * lines in a minute) before the board: while catching up, a past incident is one line when it
 * closes, and what is still open is shown when the present is reached.
 */
class ConsoleAlertsTest {

  private static final Instant T0 = Instant.parse("2026-11-30T13:00:00Z");
  private final ConsoleAlerts console =
      new ConsoleAlerts(new AlertText(TestConfig.reference(), ZoneId.of("Europe/London")));

  @Test
  void whileCatchingUpAPastIncidentIsOneLineAndAnOpenOneIsShownOnceThePresentIsReached() {
    List<String> past =
        console.lines(
            List.of(alert("STEVENAGE", "THRESHOLD", AlertState.RAISED)),
            List.of(
                incident("a", IncidentState.OPENED, 2),
                incident("a", IncidentState.UPDATED, 3),
                incident("a", IncidentState.CLOSED, 1),
                incident("b", IncidentState.OPENED, 2)),
            true);
    assertThat(past)
        .singleElement()
        .asString()
        .startsWith("INCIDENT CLOSED Safeguarding contacts in Stevenage");

    assertThat(console.lines(List.of(), List.of(incident("b", IncidentState.UPDATED, 3)), true))
        .isEmpty();
    List<String> caughtUp =
        console.lines(
            List.of(alert("STEVENAGE", "THRESHOLD", AlertState.ESCALATED)),
            List.of(incident("b", IncidentState.UPDATED, 4)),
            false);
    assertThat(caughtUp)
        .containsExactly(
            "INCIDENT LEVEL 3 Safeguarding contacts in Stevenage (safeguarding-1h-count), 1 episode, 1 open, since Mon 13:00",
            "  ALERT " + caughtUp.get(1).substring(8),
            "INCIDENT LEVEL 4 Safeguarding contacts in Stevenage (safeguarding-1h-count), 1 episode, 1 open, since Mon 13:00");
    assertThat(console.lines(List.of(), List.of(), false)).as("shown once").isEmpty();
  }

  @Test
  void aSilentFeedIsPrintedEvenWhileCatchingUp() {
    assertThat(
            console.lines(
                List.of(alert("COUNTY", FeedWatch.FEED_SILENT, AlertState.RAISED)),
                List.of(),
                true))
        .singleElement()
        .asString()
        .startsWith("ALERT ");
  }

  private static SurgeAlert alert(String area, String detector, AlertState state) {
    return SurgeAlert.newBuilder()
        .setAlertId("safeguarding-contacts/" + area + "/rule/" + T0)
        .setService("safeguarding-contacts")
        .setDistrict(area)
        .setLevel(3)
        .setState(state)
        .setDetector(detector)
        .setMeasure("count")
        .setWindow("PT1H")
        .setObserved(9)
        .setThreshold(8)
        .setEpisodeStart(T0)
        .setChangedAt(T0)
        .build();
  }

  private static SurgeIncident incident(String id, IncidentState state, int level) {
    boolean closed = state == IncidentState.CLOSED;
    return SurgeIncident.newBuilder()
        .setIncidentId(id)
        .setService("safeguarding-contacts")
        .setState(state)
        .setLevel(level)
        .setPeakLevel(Math.max(level, 3))
        .setAreas(List.of("STEVENAGE"))
        .setRules(List.of("safeguarding-1h-count"))
        .setOpenEpisodes(closed ? 0 : 1)
        .setEpisodes(1)
        .setStart(T0)
        .setQuietSince(closed ? T0.plusSeconds(3600) : null)
        .setChangedAt(T0)
        .build();
  }
}
