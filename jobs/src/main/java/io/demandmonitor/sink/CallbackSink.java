package io.demandmonitor.sink;

import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands every element to a callback in the same JVM: for the embedded run's console and for tests.
 * Meaningless on a cluster, where the callback would run in a task manager.
 */
public final class CallbackSink<T> implements Sink<T> {

  public interface Callback<T> extends Consumer<T>, Serializable {}

  private final Callback<T> callback;
  private final Callback<Long> watermarks;

  public CallbackSink(Callback<T> callback) {
    this(callback, null);
  }

  /** Also hands every watermark (epoch millis) that reaches the sink to {@code watermarks}. */
  public CallbackSink(Callback<T> callback, Callback<Long> watermarks) {
    this.callback = callback;
    this.watermarks = watermarks;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        callback.accept(element);
      }

      @Override
      public void writeWatermark(Watermark watermark) {
        if (watermarks != null) {
          watermarks.accept(watermark.getTimestamp());
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
