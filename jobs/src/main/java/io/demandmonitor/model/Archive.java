package io.demandmonitor.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The archive of validated input events: Avro container files (readable by ordinary Avro tools)
 * partitioned by stream and day (UTC, so no time zone is needed to find an hour) of the event time.
 * A day of a stream is the file {@code DIR/<topic>/<yyyy-MM-dd>.avro} (written by the simulator),
 * and/or the part files in the folder {@code DIR/<topic>/<yyyy-MM-dd>/} (committed by a job's file
 * sink; hidden in-progress files are skipped).
 */
public final class Archive {

  private static final String SUFFIX = ".avro";

  private Archive() {}

  /**
   * The files holding a stream's events of one day, in name order; none if the day is not archived.
   */
  public static List<Path> files(Path dir, String topic, LocalDate day) {
    List<Path> files = new ArrayList<>();
    Path single = dir.resolve(topic).resolve(day + SUFFIX);
    if (Files.isRegularFile(single)) {
      files.add(single);
    }
    Path folder = dir.resolve(topic).resolve(day.toString());
    if (Files.isDirectory(folder)) {
      try (Stream<Path> parts = Files.list(folder)) {
        parts
            .filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("."))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + folder, e);
      }
    }
    return files;
  }

  /** Every day archived for any of the topics. */
  public static TreeSet<LocalDate> days(Path dir, List<String> topics) {
    TreeSet<LocalDate> days = new TreeSet<>();
    for (String topic : topics) {
      Path folder = dir.resolve(topic);
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> entries = Files.list(folder)) {
        entries
            .map(p -> p.getFileName().toString())
            .forEach(
                name -> {
                  try {
                    days.add(
                        LocalDate.parse(
                            name.endsWith(SUFFIX)
                                ? name.substring(0, name.length() - SUFFIX.length())
                                : name));
                  } catch (DateTimeParseException e) {
                    // not a day of the archive
                  }
                });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + folder, e);
      }
    }
    return days;
  }

  /** The archive day of an event time. */
  public static LocalDate day(long eventTime) {
    return Instant.ofEpochMilli(eventTime).atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** A container-file writer for records of {@code schema}, compressed as every archive file is. */
  public static DataFileWriter<SpecificRecordBase> newWriter(org.apache.avro.Schema schema) {
    DataFileWriter<SpecificRecordBase> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(schema));
    writer.setCodec(CodecFactory.deflateCodec(6));
    return writer;
  }

  /** All records of one file. */
  public static List<SpecificRecordBase> read(Path file) {
    List<SpecificRecordBase> records = new ArrayList<>();
    try (DataFileReader<SpecificRecordBase> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>())) {
      reader.forEach(records::add);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the archive file " + file + ": " + e.getMessage(), e);
    }
    return records;
  }

  /**
   * Writes an archive directly, one file per stream and day, as the simulator does. Records come
   * roughly in time order: files of days before yesterday are closed (a year is not 1,460 open
   * files) and reopened for appending if a very late record still arrives for them.
   */
  public static final class Writer implements AutoCloseable {
    private final Path dir;
    private final Map<String, DataFileWriter<SpecificRecordBase>> open = new HashMap<>();
    private final Map<String, LocalDate> openDays = new HashMap<>();
    private final java.util.Set<String> written = new java.util.HashSet<>();
    private LocalDate newest = LocalDate.MIN;

    /**
     * Starts an archive in {@code dir}; files already there for a day are replaced, not appended
     * to.
     */
    public Writer(Path dir) {
      this.dir = dir;
    }

    public void write(String topic, SpecificRecordBase record) throws IOException {
      LocalDate day = day(((Instant) record.get("eventTime")).toEpochMilli());
      if (day.isAfter(newest)) {
        newest = day;
        for (String stale :
            openDays.entrySet().stream()
                .filter(e -> e.getValue().isBefore(day.minusDays(1)))
                .map(Map.Entry::getKey)
                .toList()) {
          open.remove(stale).close();
          openDays.remove(stale);
        }
      }
      String key = topic + "/" + day + SUFFIX;
      DataFileWriter<SpecificRecordBase> writer = open.get(key);
      if (writer == null) {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        writer = newWriter(record.getSchema());
        if (written.add(key)) {
          writer.create(record.getSchema(), file.toFile());
        } else {
          writer.appendTo(file.toFile());
        }
        open.put(key, writer);
        openDays.put(key, day);
      }
      writer.append(record);
    }

    @Override
    public void close() throws IOException {
      for (DataFileWriter<SpecificRecordBase> writer : open.values()) {
        writer.close();
      }
      open.clear();
    }
  }
}
