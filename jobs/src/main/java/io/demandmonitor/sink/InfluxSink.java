package io.demandmonitor.sink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes a stream to InfluxDB in batches, at least once: whatever a writer holds is written before
 * a checkpoint completes, so a restart from the checkpoint repeats points rather than losing them,
 * and repeated points overwrite themselves (deterministic measurement, tags and time). See {@link
 * InfluxWriter} for batching, retries and bad points.
 *
 * @param name what is written (demand, health, alerts): the {@code sink} tag of the sink's own
 *     health points
 */
public final class InfluxSink<T> implements Sink<T> {

  private final InfluxSettings settings;
  private final String name;
  private final ToLines<T> toLines;

  public InfluxSink(InfluxSettings settings, String name, ToLines<T> toLines) {
    this.settings = settings;
    this.name = name;
    this.toLines = toLines;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new InfluxWriter<>(settings, name, toLines, context);
  }
}
