package io.demandmonitor.sink;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * How an {@link InfluxSink} turns its elements into line-protocol points. It may aggregate: every
 * writer has its own copy (Flink deserializes the sink once per subtask).
 */
public interface ToLines<T> extends Serializable {

  /**
   * @param now the processing time, epoch millis
   */
  void add(T element, long now, Consumer<String> out);

  /**
   * Called about every second, and with {@code all} before a checkpoint or at the end of input:
   * emit what is due, and with {@code all} what has been aggregated so far too.
   */
  default void tick(long now, boolean all, Consumer<String> out) {}
}
