package io.demandmonitor.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.ingest.DemandEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class MinuteCounterTest {

  private static final long MINUTE = 60_000L;
  private static final long T0 = 1_772_445_600_000L; // 2026-03-02T10:00Z, a whole minute

  @Test
  void countsEachMinuteWhenTheWatermarkPassesItAndSetsAsideLateEvents() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, DemandEvent, MinuteCount> harness = harness()) {
      add(harness, "STEVENAGE", T0 + 1_000);
      add(harness, "STEVENAGE", T0 + 59_999);
      add(harness, "STEVENAGE", T0 + MINUTE); // next minute
      add(harness, "WATFORD", T0 + 30_000);
      add(harness, "STEVENAGE", T0 + 5_000); // out of order, not late

      harness.processWatermark(T0 + MINUTE - 2);
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.processWatermark(T0 + MINUTE - 1);
      assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(
          new MinuteCount("safeguarding-contacts", "STEVENAGE", T0 + MINUTE, 3),
          new MinuteCount("safeguarding-contacts", "WATFORD", T0 + MINUTE, 1));

      add(harness, "STEVENAGE", T0 + 10_000); // its minute has been emitted: late
      assertThat(harness.getSideOutput(MinuteCounter.LATE)).extracting(StreamRecord::getValue)
          .extracting(e -> e.eventTime).containsExactly(T0 + 10_000);

      harness.processWatermark(T0 + 2 * MINUTE);
      assertThat(harness.extractOutputValues())
          .contains(new MinuteCount("safeguarding-contacts", "STEVENAGE", T0 + 2 * MINUTE, 1));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, DemandEvent, MinuteCount> harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new MinuteCounter(), MinuteCounter::keyOf,
        Types.STRING);
  }

  private static void add(KeyedOneInputStreamOperatorTestHarness<String, DemandEvent, MinuteCount> harness,
      String district, long time) throws Exception {
    harness.processElement(new DemandEvent("id" + time, "safeguarding-contacts", district, "NEGLECT", time, 0,
        false, null), time);
  }
}
