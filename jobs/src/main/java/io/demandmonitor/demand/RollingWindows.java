package io.demandmonitor.demand;

import io.demandmonitor.demand.WindowSettings.Horizon;
import io.demandmonitor.ingest.SourceCounters;
import io.demandmonitor.model.HealthEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
 * <p>Per event the work is constant: one increment of the event's minute. Each horizon keeps a
 * running sum for its last final window; when the watermark passes step boundaries the sum advances
 * by adding the minutes that entered the window and subtracting those that left, so the cost per
 * step is the minutes with events in it, never the horizon. A late event within the allowed
 * lateness corrects the running sums and re-emits every final window it falls in; a later one
 * leaves through {@link #LATE}, and so does one older than the maximum event age (before the first
 * watermark too, as after every restart, when the lateness rule cannot tell yet; see {@link
 * #withMaxEventAge}). Provisional values of the open window go out on a processing-time timer.
 * After its last event a series emits each horizon down to zero, then its state is cleared once the
 * longest horizon and the lateness have passed.
 *
 * <p>Work follows events and the watermark, not minutes: a series has one event-time timer, at the
 * next step boundary where one of its windows has something to emit (or its state is to be
 * cleared). When it fires, the series steps through every boundary the watermark has passed since,
 * in one go, and jumps over stretches where its windows are empty and stay empty. A replay's
 * watermark moves hours at a time, so a series costs a timer per watermark move while it has data,
 * and nothing while it is quiet.
 *
 * <p>State: per series one value {@code series} ({@link SeriesState}), cleared with the series, and
 * the five entries of the release 0.2 layout, only read to move a restored series over; the
 * operator's newest watermark ({@code watermark}, union list state). Timers: per series at most one
 * event-time timer (deleted when it is moved or the series is cleared) and processing-time ticks
 * for provisional values while events arrive.
 *
 * <p>A replay that writes demand on a coarser grid than the configured steps coarsens the steps of
 * every series no alert rule looks at ({@code coarseStep}), while the watched series keep their
 * steps, so alerts see every value. A window's value does not depend on the step, only which window
 * ends are emitted.
 */
public class RollingWindows extends KeyedProcessFunction<String, SeriesEvent, RollingValue>
    implements CheckpointedFunction {

  public static final OutputTag<SeriesEvent> LATE = new OutputTag<>("late") {};

  /** Events accepted into demand, per minute of the district series: health accounting. */
  public static final OutputTag<HealthEvent> ACCEPTED = new OutputTag<>("accepted") {};

  static final long MINUTE = 60_000L;
  private static final Comparator<RollingValue> BY_WINDOW_END =
      Comparator.comparingLong(v -> v.windowEnd);
  private static final long PROCESSING_CLOCK = Long.MIN_VALUE;

  private static final int COUNT = SeriesState.COUNT;
  private static final int A = SeriesState.A;
  private static final int B = SeriesState.B;
  private static final int SUMS = SeriesState.SUMS;

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

  /**
   * {@code encoded}: the first instance of the key string seen, given to every value of the series
   * so that the alert evaluation keyed by it hashes it once, not a fresh string per value.
   */
  private record Series(String encoded, SeriesKey key, long[] steps) {}

  private transient ValueState<SeriesState> state;

  /**
   * The layout of release 0.2, three values and two maps per series: read once per series restored
   * from such a savepoint, moved into {@link #state} and cleared.
   */
  private transient MapState<Long, long[]> oldMinuteBuckets;

  private transient MapState<Long, long[]> oldHourBuckets;
  private transient ValueState<long[]> oldRunning;
  private transient ValueState<Long> oldFinalizedUpTo;
  private transient ValueState<Long> oldNewestMinute;

  private transient SourceCounters lateCounter;

  /**
   * The newest watermark this subtask has seen, kept in checkpoints: Flink restores timers and
   * state but not watermarks, and until the first one arrives after a restore, the lateness rule
   * and what is final must still start from here.
   */
  private transient ListState<Long> checkpointedWatermark;

  private transient long watermarkSeen;

  /** The finals of one {@link #advance}, put in window-end order before they go out. */
  private transient List<RollingValue> finals;

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
    // Minutes still needed: the longest window, one step of it to slide, and the lateness to
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
    state =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("series", TypeInformation.of(SeriesState.class)));
    TypeInformation<long[]> longs = PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO;
    oldHourBuckets =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("hour-buckets", Types.LONG, longs));
    oldMinuteBuckets =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("minute-buckets", Types.LONG, longs));
    oldRunning = getRuntimeContext().getState(new ValueStateDescriptor<>("running-sums", longs));
    oldFinalizedUpTo =
        getRuntimeContext().getState(new ValueStateDescriptor<>("finalized-up-to", Types.LONG));
    oldNewestMinute =
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

  /** The minute the watermark is in: minutes before it are final. */
  private static long watermarkMinute(long watermark) {
    return watermark == Long.MIN_VALUE ? Long.MIN_VALUE : floorStep(watermark + 1, MINUTE);
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
      known = new Series(currentKey, key, keySteps);
      series.put(currentKey, known);
    }
    return known;
  }

  /** The series' state, moved over from the release 0.2 layout if that is what it has. */
  private SeriesState read() throws Exception {
    SeriesState s = state.value();
    if (s != null) {
      return s;
    }
    Long finalized = oldFinalizedUpTo.value();
    if (finalized == null) {
      return null;
    }
    s = new SeriesState(sizes.length, finalized);
    s.running = oldRunning.value();
    for (Map.Entry<Long, long[]> minute : oldMinuteBuckets.entries()) {
      long[] sums = minute.getValue();
      s.add(minute.getKey(), sums[COUNT], sums[A], sums[B]);
    }
    s.newestMinute = oldNewestMinute.value();
    // Its old timer still fires: that is when a quiet series moves over.
    oldMinuteBuckets.clear();
    oldHourBuckets.clear();
    oldRunning.clear();
    oldFinalizedUpTo.clear();
    oldNewestMinute.clear();
    state.update(s); // now, as a provisional tick that reads it does not write it back
    return s;
  }

  @Override
  public void processElement(SeriesEvent event, Context ctx, Collector<RollingValue> out)
      throws Exception {
    long minute = floorStep(event.eventTime, MINUTE);
    long watermark = watermark(ctx.timerService());
    if (minute + MINUTE - 1 + lateness <= watermark || tooOld(event.eventTime, ctx)) {
      if (SeriesKey.isDistrictTotal(event.area, event.category)) {
        lateCounter.inc(event.service);
      }
      ctx.output(LATE, event);
      return;
    }
    long watermarkMinute = watermarkMinute(watermark);
    Series series = series(ctx.getCurrentKey());
    SeriesState s = read();
    if (s != null && minute < watermarkMinute && s.finalizedUpTo < watermarkMinute) {
      // Its timer has not fired for minutes it could: catch up first, so this event is judged
      // against what is final now, as if the series had stepped every minute.
      advance(s, series, watermarkMinute, ctx, out);
      if (expired(s)) {
        clear(s, ctx);
        s = null;
      }
    }
    if (s == null) { // a new series: final up to the watermark, or from its first minute
      s = new SeriesState(sizes.length, Math.max(minute, watermarkMinute));
    } else if (minute < s.finalizedUpTo && s.finalizedUpTo > watermarkMinute) {
      // Nothing of this series is final yet (its first event ran ahead of others, say from a
      // faster partition): start it earlier instead of treating on-time events as corrections.
      s.finalizedUpTo = Math.max(minute, watermarkMinute);
    }
    s.add(minute, 1, event.a, event.b);
    if (minute >= s.finalizedUpTo) {
      if (provisionalEvery > 0) {
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService()
            .registerProcessingTimeTimer((now / provisionalEvery + 1) * provisionalEvery);
      }
    } else {
      correct(s, event, series, minute, out);
      if (SeriesKey.isDistrictTotal(event.area, event.category)) {
        ctx.output(
            ACCEPTED, new HealthEvent(event.service, HealthEvent.ACCEPTED, "", event.eventTime, 1));
      }
    }
    schedule(s, series, ctx.timerService());
    state.update(s);
  }

  private boolean tooOld(long eventTime, Context ctx) {
    if (maxEventAge == Long.MAX_VALUE) {
      return false;
    }
    long clock =
        ageClock == PROCESSING_CLOCK ? ctx.timerService().currentProcessingTime() : ageClock;
    return eventTime < clock - maxEventAge;
  }

  /**
   * A late event in an already final minute: fix the running sums and re-emit every window it is
   * in, and the empty window after them where none was written before (the fall back to zero).
   */
  private void correct(
      SeriesState s, SeriesEvent event, Series series, long minute, Collector<RollingValue> out) {
    long[] step = series.steps();
    for (int h = 0; h < sizes.length; h++) {
      if (!applies(h, series.key())) {
        continue;
      }
      long last = floorStep(s.finalizedUpTo, step[h]); // end of the newest final window
      if (minute < last && minute >= last - sizes[h]) {
        s.running[SUMS * h + COUNT] += 1;
        s.running[SUMS * h + A] += event.a;
        s.running[SUMS * h + B] += event.b;
      }
      long first = floorStep(minute, step[h]) + step[h]; // the first window holding the minute
      long lastHolding =
          Math.min(
              last, floorStep(minute + sizes[h], step[h])); // the last window end <= minute + size
      // The window end after them; if not final yet, stepping writes it (the one before now holds
      // events).
      long fall = lastHolding + step[h];
      boolean fallEmpty = false;
      long[] value = Arrays.copyOfRange(s.running, SUMS * h, SUMS * h + SUMS);
      for (long t = last; t >= first; t -= step[h]) {
        if (t == fall) {
          fallEmpty = value[COUNT] == 0;
        }
        if (t <= lastHolding) {
          out.collect(value(series, h, t, value, false));
        }
        if (t == lastHolding && value[COUNT] == 1 && fallEmpty) {
          // Both windows were empty before this event, so nothing wrote the zero after it: without
          // it the series would hold this count downstream until its next point.
          out.collect(value(series, h, fall, new long[SUMS], false));
        }
        slide(s, value, 0, t, t - step[h], h); // step back: the window ending one step earlier
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RollingValue> out)
      throws Exception {
    SeriesState s = read();
    if (s == null) {
      return; // a provisional tick after the series was cleared
    }
    Series series = series(ctx.getCurrentKey());
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      emitProvisional(s, series, out);
      return;
    }
    if (timestamp == s.timer) {
      s.timer = SeriesState.NO_TIMER;
    }
    advance(s, series, watermarkMinute(watermark(ctx.timerService())), ctx, out);
    if (expired(s)) {
      clear(s, ctx);
    } else {
      schedule(s, series, ctx.timerService());
      state.update(s);
    }
  }

  /**
   * Finalizes the series' minutes before {@code upTo}: every horizon steps through the boundaries
   * passed, emitting where its window or the one before holds events, and skipping the rest.
   */
  private void advance(
      SeriesState s, Series series, long upTo, Context ctx, Collector<RollingValue> out) {
    long from = s.finalizedUpTo;
    if (upTo <= from) {
      return;
    }
    long[] step = series.steps();
    if (finals == null) {
      finals = new ArrayList<>();
    }
    for (int h = 0; h < sizes.length; h++) {
      if (applies(h, series.key())) {
        stepHorizon(
            s, series, h, step[h], floorStep(from, step[h]), floorStep(upTo, step[h]), finals);
      }
    }
    // In window-end order across horizons, as if the watermark had passed one boundary at a time:
    // what an alert rule has learnt from the 1 h values when it assesses a 24 h one must not depend
    // on how far the watermark moved at once (a replay's results varied from run to run).
    finals.sort(BY_WINDOW_END); // stable: at one end, horizons in configured order
    finals.forEach(out::collect);
    finals.clear();
    if (series.key().isDistrictTotal()) { // the minutes final now
      for (int i = s.indexFrom(from); i < s.size && s.minutes[i] < upTo; i++) {
        ctx.output(
            ACCEPTED,
            new HealthEvent(
                series.key().service(),
                HealthEvent.ACCEPTED,
                "",
                s.minutes[i],
                s.sums[SUMS * i + COUNT]));
      }
    }
    s.finalizedUpTo = upTo;
    s.dropBefore(upTo - retention); // out of reach of every window and correction
  }

  /**
   * Slides horizon h's running sums from the window ending at {@code t} to the one at {@code end}.
   */
  private void stepHorizon(
      SeriesState s, Series series, int h, long step, long t, long end, List<RollingValue> out) {
    int at = SUMS * h;
    while (t < end) {
      if (s.running[at + COUNT] == 0) {
        // Empty, and so is every window before the next minute with events: go to the last of them.
        long next = s.firstFrom(t);
        t = next == Long.MAX_VALUE ? end : Math.min(end, Math.max(t, floorStep(next, step)));
        if (t == end) {
          return;
        }
      }
      long before = s.running[at + COUNT];
      slide(s, s.running, at, t, t + step, h);
      t += step;
      // Down to the first empty window after data, then quiet until new data. Decided by the
      // windows alone, not by how far the input has been read: a replay gives the same points.
      if (s.running[at + COUNT] != 0 || before != 0) {
        out.add(value(series, h, t, s.running, at, false));
      }
    }
  }

  /**
   * Asks for a timer at the first step boundary where a window of the series has something to emit,
   * or, with nothing left to emit, where its state is to be cleared.
   */
  private void schedule(SeriesState s, Series series, TimerService timers) {
    long next = s.newestMinute + retention + MINUTE; // the first boundary past the retention
    long[] step = series.steps();
    for (int h = 0; h < sizes.length; h++) {
      if (applies(h, series.key())) {
        long last = floorStep(s.finalizedUpTo, step[h]);
        long entering = s.running[SUMS * h + COUNT] != 0 ? last : s.firstFrom(last);
        if (entering != Long.MAX_VALUE) {
          next = Math.min(next, floorStep(entering, step[h]) + step[h]);
        }
      }
    }
    if (next - 1 != s.timer) {
      if (s.timer != SeriesState.NO_TIMER) {
        timers.deleteEventTimeTimer(s.timer);
      }
      s.timer = next - 1;
      timers.registerEventTimeTimer(s.timer);
    }
  }

  /** Whether every window of the series is empty for good: past the retention after its newest. */
  private boolean expired(SeriesState s) {
    return s.finalizedUpTo > s.newestMinute + retention;
  }

  private void clear(SeriesState s, Context ctx) {
    if (s.timer != SeriesState.NO_TIMER) {
      ctx.timerService().deleteEventTimeTimer(s.timer);
    }
    state.clear();
  }

  /** The still-open window of every horizon, counting what has arrived so far. */
  private void emitProvisional(SeriesState s, Series series, Collector<RollingValue> out) {
    long[] step = series.steps();
    for (int h = 0; h < sizes.length; h++) {
      long last = floorStep(s.finalizedUpTo, step[h]);
      // Open for this horizon while an event is past its last final window end: with hourly
      // steps that can be most of an hour after the minute-step horizons are all final.
      if (applies(h, series.key()) && s.newestMinute >= last) {
        long open = floorStep(s.newestMinute, step[h]) + step[h];
        long[] value = Arrays.copyOfRange(s.running, SUMS * h, SUMS * h + SUMS);
        slide(s, value, 0, last, open, h);
        out.collect(value(series, h, open, value, true));
      }
    }
  }

  /**
   * Moves the window sums of horizon h at {@code offset} in {@code value} from the window ending at
   * {@code from} to the one ending at {@code to}, forward or backward: adds the minutes that enter
   * and takes away those that leave.
   */
  private void slide(SeriesState s, long[] value, int offset, long from, long to, int h) {
    int sign = to > from ? 1 : -1;
    long low = Math.min(from, to);
    long high = Math.max(from, to);
    s.addRange(value, offset, low, high, sign);
    s.addRange(value, offset, low - sizes[h], high - sizes[h], -sign);
  }

  private RollingValue value(
      Series series, int h, long windowEnd, long[] sums, boolean provisional) {
    return value(series, h, windowEnd, sums, 0, provisional);
  }

  private RollingValue value(
      Series series, int h, long windowEnd, long[] sums, int at, boolean provisional) {
    SeriesKey key = series.key();
    return new RollingValue(
        key.service(),
        key.area(),
        key.category(),
        labels[h],
        windowEnd,
        sums[at + COUNT],
        sums[at + A],
        sums[at + B],
        provisional,
        series.encoded());
  }

  private static long floorStep(long t, long step) {
    return Math.floorDiv(t, step) * step;
  }

  private boolean applies(int h, SeriesKey key) {
    return key.isTotal() || forCategories[h];
  }
}
