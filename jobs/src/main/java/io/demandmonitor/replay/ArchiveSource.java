package io.demandmonitor.replay;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.model.Archive;
import io.demandmonitor.simulate.SlotBatch;
import io.demandmonitor.sink.LocalHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The archive as the pipeline's raw input for a time range: one batch per hour of event time, the
 * four streams' records of that hour merged in event-time order (each day's files are read once and
 * sorted), so no record is ever behind the watermark and a replay is deterministic. Records are
 * re-encoded as their producers sent them, to go through the same decoding and validation as live.
 * Bounded; as fast as possible, or paced at {@code speed} times real time.
 */
public final class ArchiveSource {

  static final long HOUR = Duration.ofHours(1).toMillis();

  private ArchiveSource() {}

  /**
   * @param speed times real time, 0 for as fast as possible
   * @param progress where the records read and the time reached are counted; null for nowhere
   */
  public static DataStream<RawRecord> create(
      StreamExecutionEnvironment env,
      Path archive,
      ReferenceData reference,
      Instant from,
      Instant to,
      double speed,
      LocalHandle<ReplayProgress> progress) {
    long first = Math.floorDiv(from.toEpochMilli(), HOUR) * HOUR;
    long hours = Math.floorDiv(to.toEpochMilli() - first + HOUR - 1, HOUR);
    @SuppressWarnings({"unchecked", "rawtypes"})
    DataGeneratorSource<SlotBatch> source =
        new DataGeneratorSource<>(
            new HourReader(archive.toAbsolutePath().toString(), reference, first),
            hours,
            speed > 0
                ? (RateLimiterStrategy) RateLimiterStrategy.perSecond(speed / 3600)
                : RateLimiterStrategy.noOp(),
            TypeInformation.of(SlotBatch.class));
    WatermarkStrategy<SlotBatch> watermarks =
        WatermarkStrategy.<SlotBatch>forMonotonousTimestamps()
            .withTimestampAssigner((batch, previous) -> batch.slotEnd - 1);
    return env.fromSource(source, watermarks, "archive")
        .uid("archive")
        .setParallelism(1)
        .flatMap(
            (SlotBatch batch, Collector<RawRecord> out) -> {
              for (RawRecord record : batch.records) {
                out.collect(record);
              }
              if (progress != null) {
                progress.get().reached(batch.slotEnd, batch.records.length);
              }
            })
        .returns(RawRecord.class)
        .name("archive-records")
        .setParallelism(1);
  }

  /**
   * Hour {@code index} of the range: its records from the day's files, read and sorted once a day.
   */
  static final class HourReader implements GeneratorFunction<Long, SlotBatch> {
    private final String archive;
    private final ReferenceData reference;
    private final long first;
    private transient LocalDate cachedDay;
    private transient List<RawRecord> dayRecords;
    private transient int next;

    HourReader(String archive, ReferenceData reference, long first) {
      this.archive = archive;
      this.reference = reference;
      this.first = first;
    }

    @Override
    public SlotBatch map(Long index) {
      long start = first + index * HOUR;
      LocalDate day = Archive.day(start);
      if (!day.equals(cachedDay)) {
        cachedDay = day;
        dayRecords = readDay(day);
        next = 0;
      }
      while (next < dayRecords.size() && dayRecords.get(next).timestamp < start) {
        next++; // before the range (its first hour starts mid-day)
      }
      List<RawRecord> hour = new ArrayList<>();
      while (next < dayRecords.size() && dayRecords.get(next).timestamp < start + HOUR) {
        hour.add(dayRecords.get(next++));
      }
      return new SlotBatch(start + HOUR, hour.toArray(RawRecord[]::new));
    }

    private List<RawRecord> readDay(LocalDate day) {
      List<RawRecord> records = new ArrayList<>();
      for (Service service : reference.services()) {
        Feed feed = Feed.forService(service.id());
        for (Path file : Archive.files(Path.of(archive), service.topic(), day)) {
          for (SpecificRecordBase record : Archive.read(file)) {
            long eventTime = ((Instant) record.get("eventTime")).toEpochMilli();
            records.add(
                new RawRecord(
                    service.topic(), 0, records.size(), eventTime, null, feed.encode(record)));
          }
        }
      }
      records.sort(
          Comparator.comparingLong(r -> r.timestamp)); // stable: ties keep stream and file order
      return records;
    }
  }
}
