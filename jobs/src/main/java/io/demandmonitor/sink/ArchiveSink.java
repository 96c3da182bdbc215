package io.demandmonitor.sink;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.InvalidRecordException;
import io.demandmonitor.model.Archive;
import io.demandmonitor.model.ArchivedEvent;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * The live job's archive ({@link Archive}): validated records as Avro container files in {@code
 * DIR/<topic>/<yyyy-MM-dd>/} (UTC day of the event), written by Flink's file sink and committed on
 * checkpoints, so a file is either complete or hidden as in progress.
 */
public final class ArchiveSink {

  private ArchiveSink() {}

  public static FileSink<ArchivedEvent> create(Path dir, ReferenceData reference) {
    return FileSink.forBulkFormat(
            new org.apache.flink.core.fs.Path(dir.toAbsolutePath().toUri()),
            new AvroFiles(reference))
        .withBucketAssigner(new ByStreamAndDay())
        .withOutputFileConfig(
            OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".avro").build())
        .build();
  }

  /** Bucket {@code <topic>/<yyyy-MM-dd>}. */
  static final class ByStreamAndDay implements BucketAssigner<ArchivedEvent, String> {
    @Override
    public String getBucketId(ArchivedEvent event, Context context) {
      return event.topic + "/" + Archive.day(event.eventTime);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
      return SimpleVersionedStringSerializer.INSTANCE;
    }
  }

  /** One container file per part; its schema is the stream's, known from the first record. */
  static final class AvroFiles implements BulkWriter.Factory<ArchivedEvent> {
    private final ReferenceData reference;

    AvroFiles(ReferenceData reference) {
      this.reference = reference;
    }

    @Override
    public BulkWriter<ArchivedEvent> create(FSDataOutputStream out) {
      return new BulkWriter<>() {
        private DataFileWriter<SpecificRecordBase> writer;

        @Override
        public void addElement(ArchivedEvent event) throws IOException {
          SpecificRecordBase record;
          try {
            record =
                Feed.forService(reference.serviceForTopic(event.topic).id()).decode(event.value);
          } catch (InvalidRecordException e) {
            throw new IOException("a validated record no longer decodes: " + e.getMessage(), e);
          }
          if (writer == null) {
            writer = Archive.newWriter(record.getSchema());
            writer.create(record.getSchema(), out);
          }
          writer.append(record);
        }

        @Override
        public void flush() throws IOException {
          if (writer != null) {
            writer.flush();
          }
        }

        @Override
        public void finish() throws IOException {
          flush(); // the file sink closes the stream; closing the writer would close it twice
        }
      };
    }
  }
}
