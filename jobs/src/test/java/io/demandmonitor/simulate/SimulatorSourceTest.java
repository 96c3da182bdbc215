package io.demandmonitor.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.simulate.SimulationConfig.Imperfections;
import io.demandmonitor.sink.CallbackSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimulatorSourceTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  /** Each record with the wall-clock time it reached the sink. */
  record Arrival(long eventTime, long arrivedAt) {}

  static final ConcurrentLinkedQueue<Arrival> ARRIVALS = new ConcurrentLinkedQueue<>();

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void liveSlotsArriveAtRealPaceAndNeverCarryAFutureEventTime() throws Exception {
    ReferenceData reference = TestConfig.reference();
    SimulationConfig busy =
        TestConfig.simulationWithVolumeTimes(50_000).withImperfections(Imperfections.NONE);
    DemandSimulator simulator = new DemandSimulator(reference, busy, List.of());
    Instant start = Instant.now();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ARRIVALS.clear();
    SimulatorSource.create(
            env, simulator, new SimulatedRun(start, start, 0, 3, Duration.ofMinutes(2)))
        .map(raw -> new Arrival(eventTime(reference, raw), System.currentTimeMillis()))
        .sinkTo(new CallbackSink<>(SimulatorSourceTest::arrived));
    env.execute("simulator-live-test");

    assertThat(ARRIVALS).hasSizeGreaterThan(100);
    assertThat(ARRIVALS)
        .allSatisfy(a -> assertThat(a.eventTime()).isLessThanOrEqualTo(a.arrivedAt()));
    // Three 5 s slots at real pace: the first at once, the next two a slot-length apart each.
    long first = ARRIVALS.stream().mapToLong(Arrival::arrivedAt).min().orElseThrow();
    long last = ARRIVALS.stream().mapToLong(Arrival::arrivedAt).max().orElseThrow();
    assertThat(last - first).isGreaterThanOrEqualTo(2 * simulator.slotMillis() - 500);
  }

  private static void arrived(Arrival arrival) {
    ARRIVALS.add(arrival);
  }

  private static long eventTime(ReferenceData reference, RawRecord raw) throws Exception {
    return ((Instant)
            Feed.forService(reference.serviceForTopic(raw.source).id())
                .decode(raw.value)
                .get("eventTime"))
        .toEpochMilli();
  }
}
