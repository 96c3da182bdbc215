package io.demandmonitor.evaluate;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.InvalidRecordException;
import io.demandmonitor.ingest.Normaliser;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.model.Archive;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.Surge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.util.TimeUtils;

/**
 * Two simulated archives of the same range and seed, as {@code simulate --out} writes them: one
 * with the surges injected (as simulator scenarios), one without. A slot's events depend only on
 * the seed, the slot and the surges active in it, so the base demand is identical in both; slots no
 * surge touches are generated once and written to both.
 */
public final class SimulatedArchives {

  private SimulatedArchives() {}

  /** What was written: records in the archive with surges, and in the one without. */
  public record Written(long withSurges, long withoutSurges) {}

  public static Written write(
      ReferenceData reference,
      SimulationConfig config,
      List<Surge> surges,
      Instant from,
      Instant to,
      Path withSurges,
      Path withoutSurges) {
    DemandSimulator surged = new DemandSimulator(reference, config, surges);
    DemandSimulator clean = new DemandSimulator(reference, config, List.of());
    Normaliser validation =
        new Normaliser(reference, TimeUtils.parseDuration(PipelineSettings.DEFAULT_FUTURE_MARGIN));
    long slotMillis = clean.slotMillis();
    long[] written = new long[2];
    try (Archive.Writer a = new Archive.Writer(withSurges);
        Archive.Writer b = new Archive.Writer(withoutSurges)) {
      for (long slot = clean.slotOf(from), last = clean.slotOf(to); slot < last; slot++) {
        long slotStart = slot * slotMillis;
        long slotEnd = slotStart + slotMillis;
        boolean touched =
            surges.stream()
                .anyMatch(
                    s -> s.start().toEpochMilli() < slotEnd && s.end().toEpochMilli() > slotStart);
        List<RawRecord> base = clean.slot(slot);
        written[1] += write(b, base, reference, validation, slotEnd);
        written[0] += write(a, touched ? surged.slot(slot) : base, reference, validation, slotEnd);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the evaluation's archives under " + withSurges.getParent(), e);
    }
    return new Written(written[0], written[1]);
  }

  /** The records that pass validation, as the live job archives them. */
  private static long write(
      Archive.Writer archive,
      List<RawRecord> records,
      ReferenceData reference,
      Normaliser validation,
      long now)
      throws IOException {
    long n = 0;
    for (RawRecord raw : records) {
      Service service = reference.serviceForTopic(raw.source);
      try {
        validation.normalise(raw, now);
        archive.write(raw.source, Feed.forService(service.id()).decode(raw.value));
        n++;
      } catch (InvalidRecordException e) {
        // not archived: the live job would have dead-lettered it
      }
    }
    return n;
  }
}
