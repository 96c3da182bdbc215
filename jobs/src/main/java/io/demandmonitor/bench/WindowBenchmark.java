package io.demandmonitor.bench;

import io.demandmonitor.demand.RollingWindows;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.demand.WindowSettings.Horizon;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;

/**
 * Throughput of rolling counts: this project's {@link RollingWindows} against Flink's native
 * sliding windows with an incremental count, each as its own job on the same generated input
 * (events in event-time order with up to 30 s of disorder, 40 series: 4 services x 10 districts),
 * results discarded. Only the windowing differs between the jobs.
 */
public final class WindowBenchmark {

  private WindowBenchmark() {}

  private static final long START = 1_772_323_200_000L; // 2026-03-01T00:00Z
  private static final String[] SERVICES = {
    "care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events"
  };
  private static final String[] DISTRICTS = {
    "BROXBOURNE",
    "DACORUM",
    "EAST_HERTS",
    "HERTSMERE",
    "NORTH_HERTS",
    "ST_ALBANS",
    "STEVENAGE",
    "THREE_RIVERS",
    "WATFORD",
    "WELWYN_HATFIELD"
  };

  /** One measured job. */
  public record Result(String name, long events, long millis) {
    public double eventsPerSecond() {
      return events * 1000.0 / millis;
    }
  }

  /** Flink's SlidingEventTimeWindows of size/step with a count aggregate. */
  public static Result nativeSliding(
      int parallelism, long events, long spanMillis, Duration size, Duration step)
      throws Exception {
    StreamExecutionEnvironment env = environment(parallelism);
    input(env, events, spanMillis)
        .keyBy(SeriesEvent::key)
        .window(SlidingEventTimeWindows.of(size, step))
        .aggregate(new Count())
        .sinkTo(new DiscardingSink<>());
    return run(env, "native sliding " + label(size, step), events);
  }

  /**
   * RollingWindows with the given horizons, for the same (service, district) series, no provisional
   * values.
   */
  public static Result rolling(
      int parallelism, long events, long spanMillis, List<Horizon> horizons) throws Exception {
    StreamExecutionEnvironment env = environment(parallelism);
    WindowSettings settings =
        new WindowSettings(horizons, List.of(), Duration.ofHours(24), Duration.ZERO);
    input(env, events, spanMillis)
        .keyBy(SeriesEvent::key)
        .process(new RollingWindows(settings))
        .sinkTo(new DiscardingSink<>());
    String name =
        "rolling "
            + String.join(" + ", horizons.stream().map(h -> label(h.size(), h.step())).toList());
    return run(env, name, events);
  }

  private static String label(Duration size, Duration step) {
    return human(size) + "/" + human(step);
  }

  private static String human(Duration d) {
    return d.toString().substring(2).toLowerCase().replace("168h", "7d");
  }

  private static StreamExecutionEnvironment environment(int parallelism) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
    env.getConfig().setAutoWatermarkInterval(200);
    return env;
  }

  private static Result run(StreamExecutionEnvironment env, String name, long events)
      throws Exception {
    JobExecutionResult result = env.execute(name);
    return new Result(name, events, result.getNetRuntime());
  }

  /**
   * The same events for every job: index -> event, spread evenly over the span with a little
   * disorder.
   */
  private static DataStream<SeriesEvent> input(
      StreamExecutionEnvironment env, long events, long spanMillis) {
    double spacing = (double) spanMillis / events;
    GeneratorFunction<Long, SeriesEvent> generator =
        i -> {
          long mix = i * 0x9E3779B97F4A7C15L;
          long jitter = Math.floorMod(mix >>> 20, 30_000L);
          return new SeriesEvent(
              SERVICES[(int) Math.floorMod(mix >>> 8, 4L)],
              DISTRICTS[(int) Math.floorMod(mix >>> 12, 10L)],
              SeriesEvent.ALL_CATEGORIES,
              START + (long) (i * spacing) - jitter,
              Math.floorMod(mix >>> 40, 2L),
              0);
        };
    DataGeneratorSource<SeriesEvent> source =
        new DataGeneratorSource<>(
            generator, events, RateLimiterStrategy.noOp(), TypeInformation.of(SeriesEvent.class));
    return env.fromSource(
        source,
        WatermarkStrategy.<SeriesEvent>forBoundedOutOfOrderness(Duration.ofSeconds(30))
            .withTimestampAssigner((e, t) -> e.eventTime),
        "generated-events");
  }

  /** An incremental count, the native windows' cheapest aggregate. */
  private static final class Count implements AggregateFunction<SeriesEvent, Long, Long> {
    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(SeriesEvent value, Long accumulator) {
      return accumulator + 1;
    }

    @Override
    public Long getResult(Long accumulator) {
      return accumulator;
    }

    @Override
    public Long merge(Long a, Long b) {
      return a + b;
    }
  }
}
