package io.demandmonitor.demand;

import io.demandmonitor.ingest.DemandEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Each event counts in four series: its district and the county, in total and for its category. */
public final class ToSeries implements FlatMapFunction<DemandEvent, SeriesEvent> {

  @Override
  public void flatMap(DemandEvent e, Collector<SeriesEvent> out) {
    ServiceSums sums = ServiceSums.of(e.service);
    long a = sums == null ? 0 : sums.a(e);
    long b = sums == null ? 0 : sums.b(e);
    out.collect(
        new SeriesEvent(e.service, e.district, SeriesEvent.ALL_CATEGORIES, e.eventTime, a, b));
    out.collect(
        new SeriesEvent(
            e.service, SeriesEvent.COUNTY, SeriesEvent.ALL_CATEGORIES, e.eventTime, a, b));
    out.collect(new SeriesEvent(e.service, e.district, e.category, e.eventTime, a, b));
    out.collect(new SeriesEvent(e.service, SeriesEvent.COUNTY, e.category, e.eventTime, a, b));
  }
}
