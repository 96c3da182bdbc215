package io.demandmonitor.demand;

import io.demandmonitor.ingest.DemandEvent;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import io.demandmonitor.ingest.SourceCounters;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Counts demand per minute of event time for one (service, district) key: one increment of a
 * per-minute bucket per event, and the bucket is emitted and dropped when the watermark passes
 * the end of its minute. An event whose minute has already been emitted is late and leaves
 * through {@link #LATE}.
 */
public class MinuteCounter extends KeyedProcessFunction<String, DemandEvent, MinuteCount> {

  public static final OutputTag<DemandEvent> LATE = new OutputTag<>("late") {};
  static final long MINUTE = 60_000L;

  private transient MapState<Long, Long> bucketsByEnd;
  private transient SourceCounters late;

  public static String keyOf(DemandEvent event) {
    return event.service + "|" + event.district;
  }

  @Override
  public void open(OpenContext openContext) {
    bucketsByEnd = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("minute-buckets", Long.class, Long.class));
    late = new SourceCounters(getRuntimeContext().getMetricGroup(), "lateEvents");
  }

  @Override
  public void processElement(DemandEvent event, Context ctx, Collector<MinuteCount> out) throws Exception {
    long end = Math.floorDiv(event.eventTime, MINUTE) * MINUTE + MINUTE;
    if (end - 1 <= ctx.timerService().currentWatermark()) {
      late.inc(event.service);
      ctx.output(LATE, event);
      return;
    }
    Long count = bucketsByEnd.get(end);
    bucketsByEnd.put(end, count == null ? 1L : count + 1);
    ctx.timerService().registerEventTimeTimer(end - 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MinuteCount> out) throws Exception {
    String[] key = ctx.getCurrentKey().split("\\|", 2);
    Iterator<Map.Entry<Long, Long>> buckets = bucketsByEnd.iterator();
    while (buckets.hasNext()) {
      Map.Entry<Long, Long> bucket = buckets.next();
      if (bucket.getKey() - 1 <= timestamp) {
        out.collect(new MinuteCount(key[0], key[1], bucket.getKey(), bucket.getValue()));
        buckets.remove();
      }
    }
    if (bucketsByEnd.isEmpty()) {
      bucketsByEnd.clear(); // an emptied map still holds an entry for the key
    }
  }
}
