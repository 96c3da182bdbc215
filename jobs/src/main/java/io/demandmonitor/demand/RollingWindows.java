package io.demandmonitor.demand;

import io.demandmonitor.demand.WindowSettings.Horizon;
import io.demandmonitor.ingest.HealthEvent;
import io.demandmonitor.ingest.SourceCounters;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Rolling demand of one series (service, area, category) over every horizon, by event time.
 *
 * <p>Per event the work is constant: one increment of the event's minute bucket. Each horizon
 * keeps a running sum for its last final window; when the watermark passes a step boundary the
 * sum advances by adding the minutes that entered the window and subtracting those that left,
 * so the cost per step is the step, never the horizon. A late event within the allowed
 * lateness corrects the running sums and re-emits every final window it falls in; a later one
 * leaves through {@link #LATE}. Provisional values of the open window go out on a
 * processing-time timer. After its last event a series emits each horizon down to zero, then
 * its state is cleared once the longest horizon and the lateness have passed.
 */
public class RollingWindows extends KeyedProcessFunction<String, SeriesEvent, RollingValue> {

  public static final OutputTag<SeriesEvent> LATE = new OutputTag<>("late") {};
  /** Events accepted into demand, per minute of the district series: health accounting. */
  public static final OutputTag<HealthEvent> ACCEPTED = new OutputTag<>("accepted") {};

  static final long MINUTE = 60_000L;

  private final long[] sizes;
  private final long[] steps;
  private final String[] labels;
  private final boolean[] forCategories;
  private final long lateness;
  private final long provisionalEvery;
  private final long retention;

  private transient MapState<Long, long[]> buckets;
  private transient ValueState<long[]> running;
  private transient ValueState<Long> finalizedUpTo;
  private transient ValueState<Long> newestMinute;
  private transient SourceCounters lateCounter;

  public RollingWindows(WindowSettings settings) {
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
    // Buckets still needed: the longest window, one step of it to slide, and the lateness to correct.
    retention = maxSize + maxStep + lateness;
  }

  @Override
  public void open(OpenContext openContext) {
    buckets = getRuntimeContext().getMapState(new MapStateDescriptor<>("minute-buckets", Types.LONG,
        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    running = getRuntimeContext().getState(new ValueStateDescriptor<>("running-sums",
        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    finalizedUpTo = getRuntimeContext().getState(new ValueStateDescriptor<>("finalized-up-to", Types.LONG));
    newestMinute = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-minute", Types.LONG));
    lateCounter = new SourceCounters(getRuntimeContext().getMetricGroup(), "lateEvents");
  }

  @Override
  public void processElement(SeriesEvent event, Context ctx, Collector<RollingValue> out) throws Exception {
    long minute = Math.floorDiv(event.eventTime, MINUTE) * MINUTE;
    long watermark = ctx.timerService().currentWatermark();
    if (minute + MINUTE - 1 + lateness <= watermark) {
      if (isDistrictSeries(event)) {
        lateCounter.inc(event.service);
      }
      ctx.output(LATE, event);
      return;
    }
    long[] bucket = buckets.get(minute);
    if (bucket == null) {
      bucket = new long[3];
    }
    bucket[0]++;
    bucket[1] += event.a;
    bucket[2] += event.b;
    buckets.put(minute, bucket);
    Long newest = newestMinute.value();
    if (newest == null || minute > newest) {
      newestMinute.update(minute);
    }

    long watermarkMinute = watermark == Long.MIN_VALUE ? Long.MIN_VALUE
        : Math.floorDiv(watermark + 1, MINUTE) * MINUTE; // minutes before it are final
    Long finalized = finalizedUpTo.value();
    if (finalized == null) { // a new series: final up to the watermark, or from its first minute
      finalized = Math.max(minute, watermarkMinute);
      finalizedUpTo.update(finalized);
      running.update(new long[3 * sizes.length]);
      ctx.timerService().registerEventTimeTimer(finalized + MINUTE - 1);
    } else if (minute < finalized && finalized > watermarkMinute) {
      // Nothing of this series is final yet (its first event ran ahead of others, say from a
      // faster partition): start it earlier instead of treating on-time events as corrections.
      finalized = Math.max(minute, watermarkMinute);
      finalizedUpTo.update(finalized);
      ctx.timerService().registerEventTimeTimer(finalized + MINUTE - 1);
    }
    if (minute >= finalized) {
      if (provisionalEvery > 0) {
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService().registerProcessingTimeTimer((now / provisionalEvery + 1) * provisionalEvery);
      }
    } else {
      correct(event, minute, finalized, out);
      if (isDistrictSeries(event)) {
        ctx.output(ACCEPTED, new HealthEvent(event.service, HealthEvent.ACCEPTED, "", event.eventTime, 1));
      }
    }
  }

  /** A late event in an already final minute: fix the running sums and re-emit every window it is in. */
  private void correct(SeriesEvent event, long minute, long finalized, Collector<RollingValue> out)
      throws Exception {
    long[] run = running.value();
    String[] key = key(event);
    for (int h = 0; h < sizes.length; h++) {
      if (!applies(h, key)) {
        continue;
      }
      long last = floorStep(finalized, h); // end of the newest final window
      if (minute < last && minute >= last - sizes[h]) {
        run[3 * h] += 1;
        run[3 * h + 1] += event.a;
        run[3 * h + 2] += event.b;
      }
      long first = floorStep(minute, h) + steps[h]; // the first window holding the minute
      long lastHolding = Math.min(last, floorStep(minute, h) + sizes[h]);
      long[] value = {run[3 * h], run[3 * h + 1], run[3 * h + 2]};
      for (long t = last; t >= first; t -= steps[h]) {
        if (t <= lastHolding) {
          out.collect(value(key, h, t, value, false));
        }
        slide(value, t - steps[h], t, h, -1); // step back: the window ending one step earlier
      }
    }
    running.update(run);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RollingValue> out) throws Exception {
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      emitProvisional(ctx.getCurrentKey(), out);
      return;
    }
    long boundary = timestamp + 1;
    String[] key = ctx.getCurrentKey().split("\\|", -1);
    long newest = newestMinute.value();
    long[] run = running.value();
    for (int h = 0; h < sizes.length; h++) {
      if (applies(h, key) && boundary % steps[h] == 0) {
        long[] value = {run[3 * h], run[3 * h + 1], run[3 * h + 2]};
        slide(value, boundary - steps[h], boundary, h, +1);
        System.arraycopy(value, 0, run, 3 * h, 3);
        // Down to the first empty window after the newest data, then quiet until new data.
        if (boundary <= floorStep(newest + sizes[h], h) + steps[h]) {
          out.collect(value(key, h, boundary, value, false));
        }
      }
    }
    running.update(run);
    finalizedUpTo.update(boundary);
    if (isDistrictSeries(key)) {
      long[] closed = buckets.get(boundary - MINUTE);
      if (closed != null) {
        ctx.output(ACCEPTED, new HealthEvent(key[0], HealthEvent.ACCEPTED, "", boundary - MINUTE, closed[0]));
      }
    }
    buckets.remove(boundary - MINUTE - retention);
    if (boundary <= newest + retention) {
      ctx.timerService().registerEventTimeTimer(boundary + MINUTE - 1);
    } else {
      buckets.clear();
      running.clear();
      finalizedUpTo.clear();
      newestMinute.clear();
    }
  }

  /** The still-open window of every horizon, counting what has arrived so far. */
  private void emitProvisional(String currentKey, Collector<RollingValue> out) throws Exception {
    Long newest = newestMinute.value();
    Long finalized = finalizedUpTo.value();
    if (newest == null || newest < finalized) {
      return; // nothing open: the finals have it all
    }
    String[] key = currentKey.split("\\|", -1);
    long[] run = running.value();
    for (int h = 0; h < sizes.length; h++) {
      if (applies(h, key)) {
        long last = floorStep(finalized, h);
        long open = floorStep(newest, h) + steps[h];
        long[] value = {run[3 * h], run[3 * h + 1], run[3 * h + 2]};
        slide(value, last, open, h, +1);
        out.collect(value(key, h, open, value, true));
      }
    }
  }

  /**
   * Moves a window sum of horizon h between window ends {@code from} and {@code to}: forward
   * (+1) adds the minutes [from, to) and drops [from - size, to - size); backward (-1) the reverse.
   */
  private void slide(long[] value, long from, long to, int h, int direction) throws Exception {
    for (long m = from; m < to; m += MINUTE) {
      add(value, buckets.get(m), direction);
      add(value, buckets.get(m - sizes[h]), -direction);
    }
  }

  private static void add(long[] value, long[] bucket, int sign) {
    if (bucket != null) {
      value[0] += sign * bucket[0];
      value[1] += sign * bucket[1];
      value[2] += sign * bucket[2];
    }
  }

  private RollingValue value(String[] key, int h, long windowEnd, long[] sums, boolean provisional) {
    return new RollingValue(key[0], key[1], key[2], labels[h], windowEnd, sums[0], sums[1], sums[2], provisional);
  }

  private long floorStep(long t, int h) {
    return Math.floorDiv(t, steps[h]) * steps[h];
  }

  private boolean applies(int h, String[] key) {
    return key[2].isEmpty() || forCategories[h];
  }

  private static String[] key(SeriesEvent e) {
    return new String[] {e.service, e.area, e.category};
  }

  private static boolean isDistrictSeries(SeriesEvent e) {
    return !SeriesEvent.COUNTY.equals(e.area) && e.category.isEmpty();
  }

  private static boolean isDistrictSeries(String[] key) {
    return !SeriesEvent.COUNTY.equals(key[1]) && key[2].isEmpty();
  }
}
