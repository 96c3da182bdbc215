package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * One partition's event time: records move it, a record stamped beyond the future margin does not,
 * and a silent partition follows the clock live (also when it never had a record, as right after a
 * restore) but not while back-pressured, and is only marked idle in a bounded run.
 */
class SourceWatermarksTest {

  private static final long T = Instant.parse("2026-12-07T02:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;
  private static final SourceWatermarks LIVE =
      new SourceWatermarks(
          Duration.ofMinutes(2),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(1));

  private final ManualClock wallClock = new ManualClock(TimeUnit.MILLISECONDS.toNanos(T));
  private final ManualClock activity =
      new ManualClock(1); // Flink's idleness timer takes 0 for "not yet"
  private final SimpleCounter future = new SimpleCounter();
  private final Output output = new Output();

  @Test
  void recordsMoveItLessTheOutOfOrderness() {
    var generator = generator(LIVE);
    generator.onEvent(null, T - MINUTE, output);
    generator.onEvent(null, T - 3 * MINUTE, output);
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(T - 3 * MINUTE - 1);
    assertThat(output.idle).isFalse();
  }

  @Test
  void aRecordStampedBeyondTheFutureMarginNeverMovesIt() {
    var generator = generator(LIVE);
    generator.onEvent(null, T - MINUTE, output);
    generator.onEvent(null, T + 30L * 24 * 60 * MINUTE, output); // a producer's clock a month ahead
    generator.onEvent(null, T + 6 * MINUTE, output); // just beyond the margin
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(T - 3 * MINUTE - 1);
    assertThat(future.getCount()).isEqualTo(2);

    generator.onEvent(null, T + 4 * MINUTE, output); // within the margin: a clock slightly ahead
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(T + 2 * MINUTE - 1);
  }

  @Test
  void liveASilentPartitionFollowsTheClock() {
    var generator = generator(LIVE);
    generator.onEvent(null, T - 10 * MINUTE, output);
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(T - 12 * MINUTE - 1);

    pass(Duration.ofSeconds(61), generator);
    assertThat(output.watermark).isEqualTo(wallClock.absoluteTimeMillis() - 2 * MINUTE - 1);
    assertThat(output.idle).isFalse();

    pass(Duration.ofHours(3), generator); // a quiet night: event time moves on
    assertThat(output.watermark).isEqualTo(wallClock.absoluteTimeMillis() - 2 * MINUTE - 1);

    long before = output.watermark;
    generator.onEvent(null, wallClock.absoluteTimeMillis() - 30_000, output); // a call comes in
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).as("never back").isEqualTo(before);
  }

  @Test
  void liveAPartitionWithoutAnyRecordFollowsTheClockAfterTheIdleness() {
    var generator = generator(LIVE); // as after a restore on a quiet topic
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).as("nothing before the idleness").isNull();
    pass(Duration.ofSeconds(61), generator);
    assertThat(output.watermark).isEqualTo(wallClock.absoluteTimeMillis() - 2 * MINUTE - 1);
  }

  @Test
  void aBackPressuredPartitionIsNotSilent() {
    var generator = generator(LIVE);
    generator.onEvent(null, T - 10 * MINUTE, output);
    generator.onPeriodicEmit(output);
    // the input activity clock stands still while the source is back-pressured
    wallClock.advanceTime(Duration.ofMinutes(30));
    generator.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(T - 12 * MINUTE - 1);
  }

  @Test
  void aSilentPartitionIsMarkedIdleUntilItFollowsTheClock() {
    var generator =
        generator(
            new SourceWatermarks(
                Duration.ofMinutes(2),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5),
                Duration.ofHours(2))); // a producer that sends in batches
    generator.onEvent(null, T - 10 * MINUTE, output);
    generator.onPeriodicEmit(output);
    pass(Duration.ofSeconds(61), generator);
    assertThat(output.idle).isTrue();
    assertThat(output.watermark).isEqualTo(T - 12 * MINUTE - 1);

    pass(Duration.ofMinutes(119), generator);
    assertThat(output.idle).isFalse();
    assertThat(output.watermark).isEqualTo(wallClock.absoluteTimeMillis() - 2 * MINUTE - 1);
  }

  @Test
  void boundedASilentPartitionIsOnlyMarkedIdle() {
    var generator = generator(LIVE.bounded());
    generator.onEvent(null, T - 10 * MINUTE, output);
    generator.onPeriodicEmit(output);
    pass(Duration.ofSeconds(61), generator);
    assertThat(output.idle).isTrue();
    assertThat(output.watermark).isEqualTo(T - 12 * MINUTE - 1);

    generator.onEvent(null, T - 9 * MINUTE, output);
    generator.onPeriodicEmit(output);
    assertThat(output.idle).as("active again").isFalse();
    assertThat(output.watermark).isEqualTo(T - 11 * MINUTE - 1);
  }

  private SourceWatermarks.Generator generator(SourceWatermarks settings) {
    return new SourceWatermarks.Generator(settings, wallClock, activity, future);
  }

  /** Time passes on both clocks; the periodic emission runs on the way, as Flink calls it. */
  private void pass(Duration duration, SourceWatermarks.Generator generator) {
    generator.onPeriodicEmit(output);
    wallClock.advanceTime(duration);
    activity.advanceTime(duration);
    generator.onPeriodicEmit(output);
  }

  private static final class Output implements WatermarkOutput {
    Long watermark;
    boolean idle;

    @Override
    public void emitWatermark(Watermark watermark) {
      this.watermark = watermark.getTimestamp();
      idle = false;
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }
}
