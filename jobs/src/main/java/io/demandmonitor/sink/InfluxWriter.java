package io.demandmonitor.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.influxdb.dto.Point;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches points and writes them from the task thread. A full batch is written before the next
 * element is taken, so the buffer is bounded and a slow or absent server back-pressures the job
 * instead of filling memory. Timeouts, throttling, server errors and no answer are retried with
 * exponential backoff and jitter for as long as they last: an outage of any length holds the job
 * back (input waits in Kafka) and loses nothing, and is reported by {@link InfluxOutage}. A refusal
 * that no retry mends (credentials, no database) fails the job. A batch the server refuses as bad
 * points is split until the bad point is alone; it is logged with the server's reason and counted,
 * and the rest of the batch lands. Every 10 s the writer reports itself in {@code sink_health}.
 */
final class InfluxWriter<T> implements SinkWriter<T> {

  static final long HEALTH_EVERY = 10_000;
  private static final long TICK_EVERY = 1_000;
  private static final long FIRST_BACKOFF = 100;
  private static final long MAX_BACKOFF = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(InfluxWriter.class);

  private final InfluxSettings settings;
  private final String name;
  private final String writerIndex;
  private final String writerId; // for the outage notice: which writer, of which job
  private final ToLines<T> toLines;
  private final ProcessingTimeService time;
  private final InfluxConnection connection;
  private final Counter retriesMetric;
  private final Counter badPointsMetric;
  private final Counter writtenMetric;

  private final List<String> buffer = new ArrayList<>();
  private long bufferedSince = -1;
  private long watermark = Long.MIN_VALUE;
  private boolean closed;

  // This health interval's figures.
  private long intervalStart;
  private long points;
  private long batches;
  private long retries;
  private long waitingMs;
  private long badPoints;
  private long latencySum;
  private long latencyMax;

  InfluxWriter(
      InfluxSettings settings, String name, ToLines<T> toLines, WriterInitContext context) {
    this.settings = settings;
    this.name = name;
    this.writerIndex = Integer.toString(context.getTaskInfo().getIndexOfThisSubtask());
    this.writerId = name + " writer " + writerIndex + "@" + Integer.toHexString(hashCode());
    this.toLines = toLines;
    this.time = context.getProcessingTimeService();
    this.connection = new InfluxConnection(settings);
    this.retriesMetric = context.metricGroup().counter("influxRetries");
    this.badPointsMetric = context.metricGroup().counter("influxBadPoints");
    this.writtenMetric = context.metricGroup().getNumRecordsSendCounter();
    long now = time.getCurrentProcessingTime();
    this.intervalStart = now - now % HEALTH_EVERY;
    time.registerTimer(now + TICK_EVERY, this::onTick);
  }

  @Override
  public void write(T element, Context context) throws IOException, InterruptedException {
    toLines.add(element, time.getCurrentProcessingTime(), this::buffer);
    if (context.currentWatermark() > watermark) {
      watermark = context.currentWatermark();
    }
    while (buffer.size() >= settings.batchSize()) {
      sendBatch();
    }
  }

  @Override
  public void writeWatermark(Watermark w) {
    watermark = Math.max(watermark, w.getTimestamp());
  }

  /** Before a checkpoint and at the end of input: everything held is written. */
  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    long now = time.getCurrentProcessingTime();
    toLines.tick(now, true, this::buffer);
    drain();
    reportHealth(now, true); // after the writes, so it counts them
    drain();
  }

  private void onTick(long timestamp) throws IOException, InterruptedException {
    if (closed) {
      return;
    }
    long now = time.getCurrentProcessingTime();
    toLines.tick(now, false, this::buffer);
    reportHealth(now, false);
    if (bufferedSince >= 0 && now - bufferedSince >= settings.flushEvery().toMillis()) {
      drain();
    }
    time.registerTimer(time.getCurrentProcessingTime() + TICK_EVERY, this::onTick);
  }

  private void drain() throws IOException, InterruptedException {
    while (!buffer.isEmpty()) {
      sendBatch();
    }
  }

  private void buffer(String line) {
    if (buffer.isEmpty()) {
      bufferedSince = time.getCurrentProcessingTime();
    }
    buffer.add(line);
  }

  private void sendBatch() throws IOException, InterruptedException {
    int size = Math.min(buffer.size(), settings.batchSize());
    List<String> batch = new ArrayList<>(buffer.subList(0, size));
    long started = System.nanoTime();
    send(batch);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    buffer.subList(0, size).clear();
    bufferedSince = buffer.isEmpty() ? -1 : time.getCurrentProcessingTime();
    batches++;
    latencySum += millis;
    latencyMax = Math.max(latencyMax, millis);
  }

  private void send(List<String> batch) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      try {
        connection.write(batch);
        points += batch.size();
        writtenMetric.inc(batch.size());
        if (attempt > 1) { // it waited
          InfluxOutage.done(writerId, System.currentTimeMillis());
        }
        return;
      } catch (InfluxConnection.Failure failure) {
        if (failure.badPoints()) {
          splitAround(batch, failure);
          return;
        }
        if (!failure.transientFailure()) {
          throw new IOException("Writing " + name + " failed: " + failure.getMessage(), failure);
        }
        long ceiling = Math.min(MAX_BACKOFF, FIRST_BACKOFF << Math.min(attempt - 1, 20));
        long backoff = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        LOG.debug(
            "Writing {} points of {} failed ({}); retry {} in {} ms",
            batch.size(),
            name,
            failure.getMessage(),
            attempt,
            backoff);
        InfluxOutage.waiting(
            writerId, failure.getMessage(), buffer.size(), System.currentTimeMillis());
        retries++;
        retriesMetric.inc();
        Thread.sleep(backoff);
        waitingMs += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      }
    }
  }

  /**
   * The server refused points of this batch: halve it until the bad points are alone, and skip only
   * those.
   */
  private void splitAround(List<String> batch, InfluxConnection.Failure failure)
      throws IOException, InterruptedException {
    if (batch.size() == 1) {
      LOG.error(
          "InfluxDB refused a point of {}; it is skipped and the rest of its batch written. Point: {} "
              + "Reason: {}",
          name,
          batch.get(0),
          failure.getMessage());
      badPoints++;
      badPointsMetric.inc();
      return;
    }
    int half = batch.size() / 2;
    send(batch.subList(0, half));
    send(batch.subList(half, batch.size()));
  }

  /**
   * The sink_health point of the interval that has ended, or with {@code partial} of the one still
   * open.
   */
  private void reportHealth(long now, boolean partial) {
    boolean ended = now >= intervalStart + HEALTH_EVERY;
    if (!ended && !partial) {
      return;
    }
    Point.Builder point =
        Point.measurement(LineProtocol.SINK_HEALTH)
            .time(intervalStart, TimeUnit.MILLISECONDS)
            .tag("run", settings.run())
            .tag("sink", name)
            .tag("writer", writerIndex)
            .addField("points", points)
            .addField("batches", batches)
            .addField("retries", retries)
            .addField("waiting_ms", waitingMs)
            .addField("bad_points", badPoints)
            .addField("batch_latency_ms_mean", batches == 0 ? 0.0 : (double) latencySum / batches)
            .addField("batch_latency_ms_max", latencyMax)
            .addField("buffered", buffer.size());
    if (watermark > Long.MIN_VALUE && watermark < Long.MAX_VALUE) {
      point.addField("watermark_lag_ms", Math.max(0, now - watermark));
    }
    buffer(point.build().lineProtocol(TimeUnit.MILLISECONDS));
    if (ended) {
      intervalStart = now - now % HEALTH_EVERY;
      points = batches = retries = waitingMs = badPoints = latencySum = latencyMax = 0;
    }
  }

  @Override
  public void close() {
    closed = true;
    InfluxOutage.closed(writerId);
    connection.close();
  }
}
