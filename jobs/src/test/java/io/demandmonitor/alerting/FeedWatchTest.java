package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.schema.SurgeAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** No-data detection on the processing clock, with Flink's test harness. */
class FeedWatchTest {

  private static final long NINE_AM =
      Instant.parse("2026-03-02T09:00:00Z").toEpochMilli(); // 09:00 in London
  private static final long MIN = 60_000;

  private static final AlertRules RULES =
      new AlertRules(
          "Europe/London",
          new AlertRules.Policy(Duration.ZERO, 0.75, Duration.ofMinutes(30)),
          List.of(),
          List.of(),
          List.of(
              new AlertRules.Feed(
                  "helpline-feed-silent", "helpline-calls", Duration.ofMinutes(30), 8, 20, 3),
              new AlertRules.Feed(
                  "testing-feed-silent", "testing-events", Duration.ofMinutes(30), 8, 20, 3)));

  @Test
  void aFeedThatFallsSilentIsRaisedAndResolvesWhenDataReturns() throws Exception {
    try (var harness = harness()) {
      harness.setProcessingTime(NINE_AM);
      harness.processElement("helpline-calls", NINE_AM);
      harness.processElement("testing-events", NINE_AM);
      harness.setProcessingTime(NINE_AM + 20 * MIN);
      harness.processElement("testing-events", NINE_AM + 20 * MIN);
      harness.setProcessingTime(NINE_AM + 31 * MIN);
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getService() + " " + a.getState())
          .containsExactly("helpline-calls RAISED");
      harness.setProcessingTime(NINE_AM + 60 * MIN); // still silent: raised once, not again
      harness.processElement("helpline-calls", NINE_AM + 61 * MIN);
      List<SurgeAlert> alerts = harness.extractOutputValues();
      assertThat(alerts)
          .extracting(a -> a.getService() + " " + a.getState() + " " + a.getDetector())
          .containsExactly(
              "helpline-calls RAISED FEED_SILENT",
              "testing-events RAISED FEED_SILENT",
              "helpline-calls RESOLVED FEED_SILENT");
      assertThat(alerts.get(0).getAlertId()).isEqualTo(alerts.get(2).getAlertId());
      assertThat(alerts.get(0).getLevel()).isEqualTo(3);
    }
  }

  @Test
  void aFeedNeverHeardFromIsSilentAndNightsAreNotAlarmed() throws Exception {
    long tenPm = NINE_AM + 13 * 60 * MIN;
    try (var harness = harness()) {
      harness.setProcessingTime(tenPm);
      harness.processElement("care-referrals", tenPm); // a feed without a rule: starts the watch
      harness.setProcessingTime(tenPm + 9 * 60 * MIN); // 07:00: outside the active hours all night
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.setProcessingTime(tenPm + 10 * 60 * MIN + MIN); // 08:01
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getService() + " " + a.getState())
          .containsExactly("helpline-calls RAISED", "testing-events RAISED");
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, String, SurgeAlert> harness()
      throws Exception {
    var harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new FeedWatch(RULES), s -> "feeds", Types.STRING);
    harness.open();
    return harness;
  }
}
