package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.SurgeAlert;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Catching up on history publishes only the episodes still open when it reaches the present. */
class CatchUpGateTest {

  private static final long START = 1_772_445_600_000L; // the run's start
  private static final long MIN = 60_000L;

  @Test
  void pastEpisodesAreHeldTheOpenOnesPublishedOnceAtTheStartAndLaterChangesPassThrough()
      throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, SurgeAlert, SurgeAlert> harness =
        harness()) {
      harness.processElement(
          alert("past", AlertState.RAISED, 2, START - 90 * MIN), START - 90 * MIN);
      harness.processElement(
          alert("past", AlertState.RESOLVED, 1, START - 60 * MIN), START - 60 * MIN);
      harness.processElement(
          alert("open", AlertState.RAISED, 2, START - 30 * MIN), START - 30 * MIN);
      harness.processElement(
          alert("open", AlertState.ESCALATED, 3, START - 20 * MIN), START - 20 * MIN);
      harness.processWatermark(START - 1);
      assertThat(harness.extractOutputValues()).as("nothing while catching up").isEmpty();
      assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

      harness.processWatermark(START);
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.getAlertId() + " " + a.getState() + " " + a.getLevel())
          .containsExactly("open ESCALATED 3");
      assertThat(harness.numKeyedStateEntries()).as("state cleared").isZero();
      assertThat(harness.numEventTimeTimers()).isZero();

      harness.processElement(
          alert("open", AlertState.RESOLVED, 1, START + 5 * MIN), START + 5 * MIN);
      assertThat(harness.extractOutputValues())
          .hasSize(2)
          .last()
          .extracting(SurgeAlert::getState)
          .isEqualTo(AlertState.RESOLVED);
    }
  }

  @Test
  void aChangeAfterTheStartReplacesAHeldOneInsteadOfBeingFollowedByIt() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, SurgeAlert, SurgeAlert> harness =
        harness()) {
      harness.processElement(alert("open", AlertState.RAISED, 2, START - 5 * MIN), START - 5 * MIN);
      harness.processElement(
          alert("open", AlertState.ESCALATED, 3, START + MIN),
          START + MIN); // ahead of the watermark
      harness.processWatermark(START + 2 * MIN);
      assertThat(harness.extractOutputValues())
          .extracting(SurgeAlert::getState)
          .containsExactly(AlertState.ESCALATED);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SurgeAlert, SurgeAlert> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        CatchUpGate.alerts(START), SurgeAlert::getAlertId, Types.STRING);
  }

  private static SurgeAlert alert(String id, AlertState state, int level, long at) {
    return SurgeAlert.newBuilder()
        .setAlertId(id)
        .setService("safeguarding-contacts")
        .setDistrict("STEVENAGE")
        .setLevel(level)
        .setState(state)
        .setDetector("THRESHOLD")
        .setMeasure("count")
        .setWindow("PT1H")
        .setObserved(level * 4)
        .setThreshold(level * 3)
        .setEpisodeStart(Instant.ofEpochMilli(START - 90 * MIN))
        .setChangedAt(Instant.ofEpochMilli(at))
        .build();
  }
}
