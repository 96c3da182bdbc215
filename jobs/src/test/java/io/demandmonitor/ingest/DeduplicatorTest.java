package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

  private static final long HOUR = 3_600_000L;

  @Test
  void passesTheFirstCopySetsAsideTheRestAndForgetsAfterTheHorizon() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, DemandEvent, DemandEvent> harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new Deduplicator(Duration.ofHours(24)), e -> e.eventId, Types.STRING)) {
      DemandEvent a = event("a", 10 * HOUR);
      DemandEvent b = event("b", 10 * HOUR + 5);
      harness.processElement(a, a.eventTime);
      harness.processElement(b, b.eventTime);
      harness.processElement(a, a.eventTime); // a producer retry
      harness.processWatermark(20 * HOUR);
      harness.processElement(b, b.eventTime); // still inside the horizon

      assertThat(harness.extractOutputValues()).containsExactly(a, b);
      assertThat(harness.getSideOutput(Deduplicator.DUPLICATES))
          .extracting(StreamRecord::getValue)
          .containsExactly(a, b);
      assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

      harness.processWatermark(34 * HOUR + 5); // past event time + 24 h for both
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  static DemandEvent event(String id, long time) {
    return new DemandEvent(id, "helpline-calls", "WATFORD", "FOOD", time, 0, false, null);
  }
}
