package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Alert and incident changes as docs/influx-schema.md describes their points: the tags that make a
 * change overwrite itself, every field, and the change's time. The message is AlertText's.
 */
class ChangeLinesTest {

  private static final Instant T0 = Instant.parse("2026-11-30T14:00:00Z");
  private final ReferenceData reference = TestConfig.reference();
  private final AlertText text = new AlertText(reference, TestConfig.alerts().zone());

  @Test
  void anAlertChangeIsOnePointTaggedBySeriesRuleAndStateWithTheExpectedValueIfAny() {
    SurgeAlert noExpectation = alert(null);
    assertThat(ChangeLines.alerts(reference, text, "live").line(noExpectation))
        .isEqualTo(
            "alerts,detector=THRESHOLD,district=Stevenage,horizon=PT1H,run=live,"
                + "service=safeguarding-contacts,state=ESCALATED "
                + "alert_id=\"safeguarding-contacts/STEVENAGE/rule/2026-11-30T14:00:00Z\","
                + "episode_start=1796046600000i,level=3i,measure=\"count\",message=\""
                + text.describe(noExpectation)
                + "\",observed=9.0,provisional=true,threshold=8.0 1796047200000");
    SurgeAlert expected = alert(4.5);
    assertThat(ChangeLines.alerts(reference, text, "live").line(expected))
        .contains(",episode_start=1796046600000i,expected=4.5,level=3i,");
  }

  @Test
  void anIncidentChangeIsOnePointTaggedByServiceAndStateThatNotifiesAtItsPeakUntilClosed() {
    SurgeIncident open = incident(IncidentState.UPDATED);
    assertThat(ChangeLines.incidents(reference, text, "r1").line(open))
        .isEqualTo(
            "incidents,run=r1,service=safeguarding-contacts,state=UPDATED "
                + "areas=\"Stevenage, County\",episodes=2i,incident_id=\"inc-1\",level=2i,"
                + "message=\""
                + text.describe(open)
                + "\",notify_level=3i,open_episodes=1i,peak_level=3i,"
                + "rules=\"safeguarding-1h-count, b\",start=1796043600000i 1796047200000");
    assertThat(ChangeLines.incidents(reference, text, "r1").line(incident(IncidentState.CLOSED)))
        .contains(",notify_level=1i,open_episodes=0i,peak_level=3i,");
  }

  private static SurgeAlert alert(Double expected) {
    return SurgeAlert.newBuilder()
        .setAlertId("safeguarding-contacts/STEVENAGE/rule/" + T0)
        .setService("safeguarding-contacts")
        .setDistrict("STEVENAGE")
        .setLevel(3)
        .setState(AlertState.ESCALATED)
        .setDetector("THRESHOLD")
        .setMeasure("count")
        .setWindow("PT1H")
        .setObserved(9)
        .setThreshold(8)
        .setExpected(expected)
        .setProvisional(true)
        .setEpisodeStart(T0.minusSeconds(600))
        .setChangedAt(T0)
        .build();
  }

  private static SurgeIncident incident(IncidentState state) {
    boolean closed = state == IncidentState.CLOSED;
    return SurgeIncident.newBuilder()
        .setIncidentId("inc-1")
        .setService("safeguarding-contacts")
        .setState(state)
        .setLevel(2)
        .setPeakLevel(3)
        .setAreas(List.of("STEVENAGE", "COUNTY"))
        .setRules(List.of("safeguarding-1h-count", "b"))
        .setOpenEpisodes(closed ? 0 : 1)
        .setEpisodes(2)
        .setStart(T0.minusSeconds(3600))
        .setQuietSince(closed ? T0 : null)
        .setChangedAt(T0)
        .build();
  }
}
