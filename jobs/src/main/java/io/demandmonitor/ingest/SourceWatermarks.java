package io.demandmonitor.ingest;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness.IdlenessTimer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;

/**
 * Event time of the Kafka sources, per partition: bounded out-of-orderness over the records'
 * timestamps, with two exceptions that keep the monitor seeing demand.
 *
 * <ul>
 *   <li>A timestamp further ahead of the clock than the future margin never moves the watermark:
 *       one producer with a wrong clock would otherwise close every window early for everyone (the
 *       record itself is rejected downstream as invalid). Such records are counted ({@code
 *       futureTimestamps}).
 *   <li>A partition silent for the idleness is marked idle: it no longer holds the others back.
 *   <li>Live, a partition silent for {@code followClockAfter} follows the clock less the
 *       out-of-orderness. Event time is the least of the partitions', so it follows the clock once
 *       every partition is that quiet: windows close and alerts are assessed on a quiet night, and
 *       right after a restore (Flink restores no watermark: a restored job whose inputs are quiet
 *       would otherwise never move). Records that arrive after that are behind event time (late
 *       corrections, or set aside beyond the allowed lateness). Silence is measured on the input
 *       activity clock, which stops while the source is back-pressured, so a partition with a
 *       backlog is never taken for a silent one. Bounded ({@code followClockAfter} null) a silent
 *       partition is only marked idle, so a run ends at its data and fixed historic dates stay
 *       where they are.
 * </ul>
 *
 * @param followClockAfter how long a partition is silent before it follows the clock, or null for
 *     never (a bounded run)
 */
public record SourceWatermarks(
    Duration outOfOrderness, Duration idleness, Duration futureMargin, Duration followClockAfter)
    implements WatermarkStrategy<RawRecord>, Serializable {

  /** The same event-time settings, with silent partitions only marked idle (a bounded run). */
  public SourceWatermarks bounded() {
    return new SourceWatermarks(outOfOrderness, idleness, futureMargin, null);
  }

  @Override
  public WatermarkGenerator<RawRecord> createWatermarkGenerator(
      WatermarkGeneratorSupplier.Context context) {
    return new Generator(
        this,
        SystemClock.getInstance(),
        context.getInputActivityClock(),
        context.getMetricGroup().counter("futureTimestamps"));
  }

  @Override
  public TimestampAssigner<RawRecord> createTimestampAssigner(
      TimestampAssignerSupplier.Context context) {
    return (raw, kafkaTimestamp) -> raw.timestamp;
  }

  /** One partition's generator. */
  static final class Generator implements WatermarkGenerator<RawRecord> {

    private final long outOfOrderness;
    private final long futureMargin;
    private final Clock wallClock;
    private final IdlenessTimer idleness;
    private final IdlenessTimer quiet; // null: never follows the clock
    private final Counter futureTimestamps;

    private long newest = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    Generator(SourceWatermarks settings, Clock wallClock, RelativeClock activity, Counter future) {
      this.outOfOrderness = settings.outOfOrderness.toMillis();
      this.futureMargin = settings.futureMargin.toMillis();
      this.wallClock = wallClock;
      this.idleness = new IdlenessTimer(activity, settings.idleness);
      this.quiet =
          settings.followClockAfter == null
              ? null
              : new IdlenessTimer(activity, settings.followClockAfter);
      this.futureTimestamps = future;
    }

    @Override
    public void onEvent(RawRecord raw, long timestamp, WatermarkOutput output) {
      idleness.activity();
      if (quiet != null) {
        quiet.activity();
      }
      if (timestamp > wallClock.absoluteTimeMillis() + futureMargin) {
        futureTimestamps.inc();
      } else {
        newest = Math.max(newest, timestamp);
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long watermark = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - outOfOrderness - 1;
      boolean silent = idleness.checkIfIdle(); // both timers are checked on every call
      if (quiet != null && quiet.checkIfIdle()) {
        watermark = Math.max(watermark, wallClock.absoluteTimeMillis() - outOfOrderness - 1);
      } else if (silent) {
        output.markIdle();
        return;
      }
      // Emitted on every call, as Flink's own generators do: that is what marks an idle partition
      // active again.
      emitted = Math.max(emitted, watermark);
      if (emitted > Long.MIN_VALUE) {
        output.emitWatermark(new Watermark(emitted));
      }
    }
  }
}
