package io.demandmonitor.evaluate;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.model.Archive;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.Surge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Surges injected into an archive of real (or any) history, from the archive's own events: the
 * archive's records of a range are copied, and while a surge is on, each event of its service in a
 * district it touches is duplicated a Poisson number of times with mean {@code factor - 1} (Poisson
 * thinning of the copies: demand becomes {@code factor} times what the archive shows, whatever its
 * shape), and the surge's {@code extra-per-hour} is added as a Poisson stream of events cloned from
 * the same day's events of the service, moved to the district. Copies get a new event id and a time
 * up to 5 minutes after the original's (within the surge). Everything else about a copy (category,
 * attributes, helpline wait) is the original's: unlike the simulator, a copy does not make helpline
 * waits longer or tests more often positive.
 */
public final class ArchiveInjection {

  private static final long MINUTE = 60_000L;
  private static final long DAY = 86_400_000L;

  private ArchiveInjection() {}

  /** Records written: the archive's own in the range, and the copies added. */
  public record Written(long original, long added) {}

  public static Written inject(
      ReferenceData reference,
      Path archive,
      List<Surge> surges,
      long seed,
      Instant from,
      Instant to,
      Path target) {
    SplittableRandom random = new SplittableRandom(SurgePlan.mix(seed ^ 0x1A7EC71A7EC7L));
    long f = from.toEpochMilli();
    long t = to.toEpochMilli();
    List<String> districtCodes = reference.districts().stream().map(d -> d.code()).toList();
    long original = 0;
    long added = 0;
    try (Archive.Writer writer = new Archive.Writer(target)) {
      for (LocalDate day = Archive.day(f);
          !day.atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(to.minusMillis(1));
          day = day.plusDays(1)) {
        long dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        for (Service service : reference.services()) {
          List<SpecificRecordBase> records = new ArrayList<>();
          for (Path file : Archive.files(archive, service.topic(), day)) {
            records.addAll(Archive.read(file));
          }
          List<SpecificRecordBase> out = new ArrayList<>();
          java.util.Set<String> seen = new java.util.HashSet<>();
          for (SpecificRecordBase record : records) {
            long time = time(record);
            if (time < f || time >= t) {
              continue;
            }
            out.add(record);
            original++;
            if (!seen.add(String.valueOf(record.get("eventId")))) {
              continue; // a producer's retry archived twice: copied once
            }
            String district = String.valueOf(record.get("district"));
            for (Surge surge : surges) {
              double more = surge.factor(service.id(), district, time) - 1;
              for (int k = DemandSimulator.poisson(random, more); k > 0; k--) {
                out.add(copy(record, random, district, time, surge));
                added++;
              }
            }
          }
          added +=
              extra(
                  service,
                  surges,
                  records,
                  districtCodes,
                  random,
                  Math.max(f, dayStart),
                  Math.min(t, dayStart + DAY),
                  out);
          for (SpecificRecordBase record : out) {
            writer.write(service.topic(), record);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the injected archive " + target, e);
    }
    return new Written(original, added);
  }

  /**
   * The surges' fixed extra per hour in [from, to), minute by minute, cloned from the day's events
   * of the service.
   */
  private static long extra(
      Service service,
      List<Surge> surges,
      List<SpecificRecordBase> templates,
      List<String> districtCodes,
      SplittableRandom random,
      long from,
      long to,
      List<SpecificRecordBase> out) {
    if (templates.isEmpty()) {
      return 0;
    }
    long added = 0;
    for (Surge surge : surges) {
      if (!surge.service().equals(service.id()) || surge.extraPerHour() <= 0) {
        continue;
      }
      long start = Math.max(from, surge.start().toEpochMilli());
      long end = Math.min(to, surge.end().toEpochMilli());
      List<String> districts =
          surge.districts().contains(Surge.ALL) ? districtCodes : surge.districts();
      for (long minute = start - Math.floorMod(start, MINUTE); minute < end; minute += MINUTE) {
        for (String district : districts) {
          double mean = surge.extraPerHour(service.id(), district, minute + MINUTE / 2) / 60;
          for (int k = DemandSimulator.poisson(random, mean); k > 0; k--) {
            SpecificRecordBase template = templates.get(random.nextInt(templates.size()));
            out.add(copy(template, random, district, minute, surge));
            added++;
          }
        }
      }
    }
    return added;
  }

  /**
   * A new event like {@code record}: its own id, in {@code district}, up to 5 minutes after {@code
   * time}, in the surge.
   */
  private static SpecificRecordBase copy(
      SpecificRecordBase record, SplittableRandom random, String district, long time, Surge surge) {
    SpecificRecordBase copy = SpecificData.get().deepCopy(record.getSchema(), record);
    long latest = surge.end().toEpochMilli() - 1;
    copy.put("eventId", new UUID(random.nextLong(), random.nextLong()).toString());
    copy.put(
        "eventTime", Instant.ofEpochMilli(Math.min(latest, time + random.nextLong(5 * MINUTE))));
    copy.put("district", district);
    return copy;
  }

  private static long time(SpecificRecordBase record) {
    return ((Instant) record.get("eventTime")).toEpochMilli();
  }
}
