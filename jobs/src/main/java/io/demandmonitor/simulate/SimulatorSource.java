package io.demandmonitor.simulate;

import io.demandmonitor.ingest.RawRecord;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The simulator as a Flink source of raw records, with event-time watermarks from the simulated
 * clock. Two datagen sources of slots: a bounded back-fill of the recent past at an accelerated
 * rate, and a live one that emits one slot per slot-length of wall time, starting with the last
 * slot that has already ended, so no event is ever stamped in the future. Both run at parallelism
 * 1: a split of the live range would start in the future. The datagen source checkpoints its
 * position, so a restored job continues where it stopped.
 */
public final class SimulatorSource {

  private SimulatorSource() {}

  public static DataStream<RawRecord> create(
      StreamExecutionEnvironment env, DemandSimulator simulator, SimulatedRun run) {
    long slotMillis = simulator.slotMillis();
    long liveFirst = simulator.slotOf(run.now()) - 1;
    long backfillFirst = Math.min(simulator.slotOf(run.backfillFrom()), liveFirst);
    double slotSeconds = slotMillis / 1000.0;

    DataStream<SlotBatch> slots =
        slots(
            env,
            "simulator-backfill",
            simulator,
            backfillFirst,
            liveFirst - backfillFirst,
            run.speed() > 0
                ? RateLimiterStrategy.perSecond(run.speed() / slotSeconds)
                : RateLimiterStrategy.noOp(),
            run);
    if (run.liveSlots() > 0) {
      slots =
          slots.union(
              slots(
                  env,
                  "simulator-live",
                  simulator,
                  liveFirst,
                  run.liveSlots(),
                  RateLimiterStrategy.perSecond(1 / slotSeconds),
                  run));
    }
    return slots
        .flatMap(
            (SlotBatch batch, Collector<RawRecord> out) -> {
              for (RawRecord record : batch.records) {
                out.collect(record);
              }
            })
        .returns(RawRecord.class)
        .name("simulator-records")
        .uid("simulator-records");
  }

  private static DataStream<SlotBatch> slots(
      StreamExecutionEnvironment env,
      String name,
      DemandSimulator simulator,
      long firstSlot,
      long count,
      RateLimiterStrategy<?> rate,
      SimulatedRun run) {
    long slotMillis = simulator.slotMillis();
    GeneratorFunction<Long, SlotBatch> generator =
        index -> {
          long slot = firstSlot + index;
          List<RawRecord> records = simulator.slot(slot);
          return new SlotBatch((slot + 1) * slotMillis, records.toArray(RawRecord[]::new));
        };
    @SuppressWarnings({"unchecked", "rawtypes"})
    DataGeneratorSource<SlotBatch> source =
        new DataGeneratorSource<>(
            generator,
            Math.max(0, count),
            (RateLimiterStrategy) rate,
            TypeInformation.of(SlotBatch.class));
    WatermarkStrategy<SlotBatch> watermarks =
        WatermarkStrategy.<SlotBatch>forBoundedOutOfOrderness(run.outOfOrderness())
            .withTimestampAssigner((batch, previous) -> batch.slotEnd - 1);
    return env.fromSource(source, watermarks, name).uid(name).setParallelism(1);
  }
}
