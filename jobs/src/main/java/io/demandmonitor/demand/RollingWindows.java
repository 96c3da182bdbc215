package io.demandmonitor.demand;

import io.demandmonitor.demand.WindowSettings.Horizon;
import io.demandmonitor.ingest.SourceCounters;
import io.demandmonitor.model.HealthEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Rolling demand of one series (service, area, category) over every horizon, by event time.
 *
 * <p>Per event the work is constant: one increment of the event's minute bucket. Each horizon keeps
 * a running sum for its last final window; when the watermark passes a step boundary the sum
 * advances by adding the minutes that entered the window and subtracting those that left, so the
 * cost per step is the step, never the horizon. A late event within the allowed lateness corrects
 * the running sums and re-emits every final window it falls in; a later one leaves through {@link
 * #LATE}, and so does one older than the maximum event age (before the first watermark too, as
 * after every restart, when the lateness rule cannot tell yet; see {@link #withMaxEventAge}).
 * Provisional values of the open window go out on a processing-time timer. After its last event a
 * series emits each horizon down to zero, then its state is cleared once the longest horizon and
 * the lateness have passed.
 *
 * <p>A replay that writes demand on a coarser grid than the configured steps coarsens the steps of
 * every series no alert rule looks at ({@code coarseStep}): their timers then fire once a coarse
 * step instead of every minute, while the watched series keep their steps, so alerts see every
 * value. A window's value does not depend on the step, only which window ends are emitted.
 */
public class RollingWindows extends KeyedProcessFunction<String, SeriesEvent, RollingValue>
    implements CheckpointedFunction {

  public static final OutputTag<SeriesEvent> LATE = new OutputTag<>("late") {};

  /** Events accepted into demand, per minute of the district series: health accounting. */
  public static final OutputTag<HealthEvent> ACCEPTED = new OutputTag<>("accepted") {};

  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  private static final long PROCESSING_CLOCK = Long.MIN_VALUE;

  /**
   * Sums kept per minute, per hour and per horizon, in this order in the state's long arrays (a
   * minute's bucket, or one run of SUMS per horizon in the running sums): the count, and the
   * service's two sums (ServiceSums).
   */
  private static final int COUNT = 0;

  private static final int A = 1;
  private static final int B = 2;
  private static final int SUMS = 3;

  private final long[] sizes;
  private final long[] steps;
  private final String[] labels;
  private final boolean[] forCategories;
  private final long lateness;
  private final long provisionalEvery;
  private final long retention;
  private final long coarseStep;

  /** Events dated more than this before the age clock are late; Long.MAX_VALUE: no limit. */
  private long maxEventAge = Long.MAX_VALUE;

  /** The instant ages are measured from, or {@link #PROCESSING_CLOCK}. */
  private long ageClock = PROCESSING_CLOCK;

  /** The horizons of (non-category) series that keep their configured steps. */
  private final WatchedHorizons exact;

  /** Per series key: its parts (service, area, category) and steps, worked out once. */
  private transient Map<String, Series> series;

  private record Series(SeriesKey key, long[] steps) {}

  private transient MapState<Long, long[]> buckets;

  /**
   * The same sums per clock hour, so a slide over whole hours costs one lookup per hour, not sixty.
   */
  private transient MapState<Long, long[]> hourBuckets;

  private transient ValueState<long[]> running;
  private transient ValueState<Long> finalizedUpTo;
  private transient ValueState<Long> newestMinute;
  private transient SourceCounters lateCounter;

  /**
   * The newest watermark this subtask has seen, kept in checkpoints: Flink restores timers and
   * state but not watermarks, and until the first one arrives after a restore, the lateness rule
   * and what is final must still start from here.
   */
  private transient ListState<Long> checkpointedWatermark;

  private transient long watermarkSeen;

  public RollingWindows(WindowSettings settings) {
    this(settings, Duration.ofMinutes(1), new WatchedHorizons());
  }

  /**
   * @param coarseStep the least step of the series not in {@code exact}, a whole number of minutes
   * @param exact the services' horizons that keep their steps
   */
  public RollingWindows(WindowSettings settings, Duration coarseStep, WatchedHorizons exact) {
    List<Horizon> horizons = settings.horizons();
    int n = horizons.size();
    sizes = new long[n];
    steps = new long[n];
    labels = new String[n];
    forCategories = new boolean[n];
    long maxSize = 0;
    long maxStep = 0;
    for (int h = 0; h < n; h++) {
      sizes[h] = horizons.get(h).size().toMillis();
      steps[h] = horizons.get(h).step().toMillis();
      labels[h] = horizons.get(h).label();
      forCategories[h] = settings.categoryHorizons().contains(horizons.get(h).size());
      maxSize = Math.max(maxSize, sizes[h]);
      maxStep = Math.max(maxStep, steps[h]);
    }
    lateness = settings.allowedLateness().toMillis();
    provisionalEvery = settings.provisionalEvery().toMillis();
    this.coarseStep = coarseStep.toMillis();
    this.exact = exact;
    // Buckets still needed: the longest window, one step of it to slide, and the lateness to
    // correct.
    retention = maxSize + Math.max(maxStep, this.coarseStep) + lateness;
  }

  /**
   * Sets events dated more than {@code maxAge} before the clock aside as late, watermark or not:
   * the processing clock in a live run, or {@code fixedClock} (a replay's start, where every event
   * is old by the processing clock) when not null.
   */
  public RollingWindows withMaxEventAge(Duration maxAge, java.time.Instant fixedClock) {
    this.maxEventAge = maxAge.toMillis();
    this.ageClock = fixedClock == null ? PROCESSING_CLOCK : fixedClock.toEpochMilli();
    return this;
  }

  @Override
  public void open(OpenContext openContext) {
    hourBuckets =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "hour-buckets",
                    Types.LONG,
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    buckets =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "minute-buckets",
                    Types.LONG,
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    running =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "running-sums", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    finalizedUpTo =
        getRuntimeContext().getState(new ValueStateDescriptor<>("finalized-up-to", Types.LONG));
    newestMinute =
        getRuntimeContext().getState(new ValueStateDescriptor<>("newest-minute", Types.LONG));
    lateCounter = new SourceCounters(getRuntimeContext().getMetricGroup(), "lateEvents");
    series = new HashMap<>();
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    checkpointedWatermark =
        context
            .getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>("watermark", Types.LONG));
    watermarkSeen = Long.MIN_VALUE;
    // Every subtask gets every watermark, so after a rescale any of them will do.
    for (Long watermark : checkpointedWatermark.get()) {
      watermarkSeen = Math.max(watermarkSeen, watermark);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    checkpointedWatermark.update(List.of(watermarkSeen));
  }

  /** The operator's watermark, or the newest one before the restore until a newer one arrives. */
  private long watermark(TimerService timers) {
    watermarkSeen = Math.max(watermarkSeen, timers.currentWatermark());
    return watermarkSeen;
  }

  /**
   * A series' key parts and the step of every horizon: configured if an alert rule looks at it,
   * else at least the coarse step.
   */
  private Series series(String currentKey) {
    Series known = series.get(currentKey);
    if (known == null) {
      SeriesKey key = SeriesKey.decode(currentKey);
      long[] keySteps = new long[steps.length];
      for (int h = 0; h < steps.length; h++) {
        keySteps[h] =
            key.isTotal() && exact.contains(key.service(), labels[h])
                ? steps[h]
                : Math.max(steps[h], coarseStep);
      }
      known = new Series(key, keySteps);
      series.put(currentKey, known);
    }
    return known;
  }

  /**
   * The first boundary after {@code t} at which some horizon of the series ends a window; for a
   * series no horizon applies to (categories without category horizons), the next minute, so its
   * state is still cleared in time.
   */
  private long nextBoundary(long t, SeriesKey key, long[] step) {
    long next = Math.floorDiv(t, MINUTE) * MINUTE + Math.max(MINUTE, coarseStep);
    boolean any = false;
    for (int h = 0; h < step.length; h++) {
      if (applies(h, key)) {
        long candidate = Math.floorDiv(t, step[h]) * step[h] + step[h];
        next = any ? Math.min(next, candidate) : candidate;
        any = true;
      }
    }
    return next;
  }

  @Override
  public void processElement(SeriesEvent event, Context ctx, Collector<RollingValue> out)
      throws Exception {
    long minute = Math.floorDiv(event.eventTime, MINUTE) * MINUTE;
    long watermark = watermark(ctx.timerService());
    if (minute + MINUTE - 1 + lateness <= watermark || tooOld(event.eventTime, ctx)) {
      if (SeriesKey.isDistrictTotal(event.area, event.category)) {
        lateCounter.inc(event.service);
      }
      ctx.output(LATE, event);
      return;
    }
    count(buckets, minute, event);
    count(hourBuckets, Math.floorDiv(minute, HOUR) * HOUR, event);
    Long newest = newestMinute.value();
    if (newest == null || minute > newest) {
      newestMinute.update(minute);
    }

    long watermarkMinute =
        watermark == Long.MIN_VALUE
            ? Long.MIN_VALUE
            : Math.floorDiv(watermark + 1, MINUTE) * MINUTE; // minutes before it are final
    Long finalized = finalizedUpTo.value();
    Series s = series(ctx.getCurrentKey());
    SeriesKey key = s.key();
    long[] step = s.steps();
    if (finalized == null) { // a new series: final up to the watermark, or from its first minute
      finalized = Math.max(minute, watermarkMinute);
      finalizedUpTo.update(finalized);
      running.update(new long[SUMS * sizes.length]);
      ctx.timerService().registerEventTimeTimer(nextBoundary(finalized, key, step) - 1);
    } else if (minute < finalized && finalized > watermarkMinute) {
      // Nothing of this series is final yet (its first event ran ahead of others, say from a
      // faster partition): start it earlier instead of treating on-time events as corrections.
      finalized = Math.max(minute, watermarkMinute);
      finalizedUpTo.update(finalized);
      ctx.timerService().registerEventTimeTimer(nextBoundary(finalized, key, step) - 1);
    }
    if (minute >= finalized) {
      if (provisionalEvery > 0) {
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService()
            .registerProcessingTimeTimer((now / provisionalEvery + 1) * provisionalEvery);
      }
    } else {
      correct(event, key, step, minute, finalized, out);
      if (SeriesKey.isDistrictTotal(event.area, event.category)) {
        ctx.output(
            ACCEPTED, new HealthEvent(event.service, HealthEvent.ACCEPTED, "", event.eventTime, 1));
      }
    }
  }

  private boolean tooOld(long eventTime, Context ctx) {
    if (maxEventAge == Long.MAX_VALUE) {
      return false;
    }
    long clock =
        ageClock == PROCESSING_CLOCK ? ctx.timerService().currentProcessingTime() : ageClock;
    return eventTime < clock - maxEventAge;
  }

  private static void count(MapState<Long, long[]> sums, long key, SeriesEvent event)
      throws Exception {
    long[] bucket = sums.get(key);
    if (bucket == null) {
      bucket = new long[SUMS];
    }
    bucket[COUNT]++;
    bucket[A] += event.a;
    bucket[B] += event.b;
    sums.put(key, bucket);
  }

  /**
   * A late event in an already final minute: fix the running sums and re-emit every window it is
   * in, and the empty window after them where none was written before (the fall back to zero).
   */
  private void correct(
      SeriesEvent event,
      SeriesKey key,
      long[] step,
      long minute,
      long finalized,
      Collector<RollingValue> out)
      throws Exception {
    long[] run = running.value();
    for (int h = 0; h < sizes.length; h++) {
      if (!applies(h, key)) {
        continue;
      }
      long last = floorStep(finalized, step[h]); // end of the newest final window
      if (minute < last && minute >= last - sizes[h]) {
        run[SUMS * h + COUNT] += 1;
        run[SUMS * h + A] += event.a;
        run[SUMS * h + B] += event.b;
      }
      long first = floorStep(minute, step[h]) + step[h]; // the first window holding the minute
      long lastHolding =
          Math.min(
              last, floorStep(minute + sizes[h], step[h])); // the last window end <= minute + size
      // The window end after them; if not final yet, its timer writes it (the one before now holds
      // events).
      long fall = lastHolding + step[h];
      boolean fallEmpty = false;
      long[] value = Arrays.copyOfRange(run, SUMS * h, SUMS * h + SUMS);
      for (long t = last; t >= first; t -= step[h]) {
        if (t == fall) {
          fallEmpty = value[COUNT] == 0;
        }
        if (t <= lastHolding) {
          out.collect(value(key, h, t, value, false));
        }
        if (t == lastHolding && value[COUNT] == 1 && fallEmpty) {
          // Both windows were empty before this event, so nothing wrote the zero after it: without
          // it the series would hold this count downstream until its next point.
          out.collect(value(key, h, fall, new long[SUMS], false));
        }
        slide(value, t - step[h], t, h, -1); // step back: the window ending one step earlier
      }
    }
    running.update(run);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RollingValue> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      emitProvisional(ctx.getCurrentKey(), out);
      return;
    }
    long boundary = timestamp + 1;
    watermark(ctx.timerService());
    Series s = series(ctx.getCurrentKey());
    SeriesKey key = s.key();
    long[] step = s.steps();
    long newest = newestMinute.value();
    long previous = finalizedUpTo.value();
    long[] run = running.value();
    for (int h = 0; h < sizes.length; h++) {
      if (applies(h, key) && boundary % step[h] == 0) {
        long[] value = Arrays.copyOfRange(run, SUMS * h, SUMS * h + SUMS);
        long before = value[COUNT];
        slide(value, boundary - step[h], boundary, h, +1);
        System.arraycopy(value, 0, run, SUMS * h, SUMS);
        // Down to the first empty window after data, then quiet until new data. Decided by the
        // windows alone, not by how far the input has been read: a replay gives the same points.
        if (value[COUNT] != 0 || before != 0) {
          out.collect(value(key, h, boundary, value, false));
        }
      }
    }
    running.update(run);
    finalizedUpTo.update(boundary);
    if (key.isDistrictTotal()) { // the minutes final since the last boundary
      long m = previous;
      while (m < boundary) {
        long hourEnd = Math.floorDiv(m, HOUR) * HOUR + HOUR;
        if (!hourBuckets.contains(hourEnd - HOUR)) { // nothing in this hour
          m = hourEnd;
          continue;
        }
        for (; m < Math.min(boundary, hourEnd); m += MINUTE) {
          long[] closed = buckets.get(m);
          if (closed != null) {
            ctx.output(
                ACCEPTED,
                new HealthEvent(key.service(), HealthEvent.ACCEPTED, "", m, closed[COUNT]));
          }
        }
      }
    }
    // Whole clock hours out of reach now go, with their minutes.
    for (long hour = Math.floorDiv(previous - retention, HOUR) * HOUR;
        hour + HOUR <= boundary - retention;
        hour += HOUR) {
      if (hourBuckets.contains(hour)) {
        for (long m = hour; m < hour + HOUR; m += MINUTE) {
          buckets.remove(m);
        }
        hourBuckets.remove(hour);
      }
    }
    if (boundary <= newest + retention) {
      ctx.timerService().registerEventTimeTimer(nextBoundary(boundary, key, step) - 1);
    } else {
      buckets.clear();
      hourBuckets.clear();
      running.clear();
      finalizedUpTo.clear();
      newestMinute.clear();
    }
  }

  /** The still-open window of every horizon, counting what has arrived so far. */
  private void emitProvisional(String currentKey, Collector<RollingValue> out) throws Exception {
    Long newest = newestMinute.value();
    Long finalized = finalizedUpTo.value();
    if (newest == null) {
      return;
    }
    Series s = series(currentKey);
    SeriesKey key = s.key();
    long[] step = s.steps();
    long[] run = running.value();
    for (int h = 0; h < sizes.length; h++) {
      long last = floorStep(finalized, step[h]);
      // Open for this horizon while an event is past its last final window end: with hourly
      // steps that can be most of an hour after the minute-step horizons are all final.
      if (applies(h, key) && newest >= last) {
        long open = floorStep(newest, step[h]) + step[h];
        long[] value = Arrays.copyOfRange(run, SUMS * h, SUMS * h + SUMS);
        slide(value, last, open, h, +1);
        out.collect(value(key, h, open, value, true));
      }
    }
  }

  /**
   * Moves a window sum of horizon h between window ends {@code from} and {@code to}: forward (+1)
   * adds the minutes [from, to) and drops [from - size, to - size); backward (-1) the reverse.
   */
  private void slide(long[] value, long from, long to, int h, int direction) throws Exception {
    addRange(value, from, to, direction);
    addRange(value, from - sizes[h], to - sizes[h], -direction);
  }

  /** Adds the sums of the minutes [from, to), by whole clock hours where it can. */
  private void addRange(long[] value, long from, long to, int sign) throws Exception {
    long m = from;
    while (m < to) {
      if (Math.floorMod(m, HOUR) == 0 && m + HOUR <= to) {
        add(value, hourBuckets.get(m), sign);
        m += HOUR;
      } else {
        add(value, buckets.get(m), sign);
        m += MINUTE;
      }
    }
  }

  private static void add(long[] value, long[] bucket, int sign) {
    if (bucket != null) {
      value[COUNT] += sign * bucket[COUNT];
      value[A] += sign * bucket[A];
      value[B] += sign * bucket[B];
    }
  }

  private RollingValue value(
      SeriesKey key, int h, long windowEnd, long[] sums, boolean provisional) {
    return new RollingValue(
        key.service(),
        key.area(),
        key.category(),
        labels[h],
        windowEnd,
        sums[COUNT],
        sums[A],
        sums[B],
        provisional);
  }

  private static long floorStep(long t, long step) {
    return Math.floorDiv(t, step) * step;
  }

  private boolean applies(int h, SeriesKey key) {
    return key.isTotal() || forCategories[h];
  }
}
