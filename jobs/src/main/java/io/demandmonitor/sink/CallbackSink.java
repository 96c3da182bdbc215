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
  private final Callback<Boolean> flushes;

  public CallbackSink(Callback<T> callback) {
    this(callback, null, null);
  }

  /**
   * Also hands every watermark (epoch millis) that reaches the sink to {@code watermarks}, and
   * tells {@code flushes} of every flush: before each checkpoint's barrier passes the sink (false),
   * and at the end of the input (true).
   */
  public CallbackSink(Callback<T> callback, Callback<Long> watermarks, Callback<Boolean> flushes) {
    this.callback = callback;
    this.watermarks = watermarks;
    this.flushes = flushes;
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
      public void flush(boolean endOfInput) {
        if (flushes != null) {
          flushes.accept(endOfInput);
        }
      }

      @Override
      public void close() {}
    };
  }
}
