package io.demandmonitor.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** A Flink counter per source (topic or service), registered the first time the source is seen. */
public final class SourceCounters {

  private final MetricGroup group;
  private final String name;
  private final Map<String, Counter> bySource = new HashMap<>();

  public SourceCounters(MetricGroup group, String name) {
    this.group = group;
    this.name = name;
  }

  public void inc(String source) {
    bySource.computeIfAbsent(source, s -> group.addGroup("source", s).counter(name)).inc();
  }
}
