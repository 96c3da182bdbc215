package io.demandmonitor.pipeline;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.ingest.DemandEvent;
import io.demandmonitor.ingest.InvalidRecordException;
import io.demandmonitor.ingest.Normaliser;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.simulate.DemandSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the pipeline should make of simulated records, worked out the slow and obvious way. */
public final class PipelineOracle {

  public final List<DemandEvent> accepted = new ArrayList<>();

  /** source/offset/reason of each dead letter. */
  public final List<String> deadLetters = new ArrayList<>();

  public long duplicates;

  /** The records a {@code SimulatedRun} from {@code from} to {@code to} produces. */
  public PipelineOracle(
      ReferenceData reference, DemandSimulator simulator, Instant from, Instant to) {
    Normaliser normaliser = new Normaliser(reference, Duration.ofMinutes(5));
    Set<String> seen = new HashSet<>();
    for (long slot = simulator.slotOf(from); slot < simulator.slotOf(to) - 1; slot++) {
      for (RawRecord raw : simulator.slot(slot)) {
        try {
          DemandEvent e = normaliser.normalise(raw, System.currentTimeMillis());
          if (!seen.add(e.eventId)) {
            duplicates++;
            continue;
          }
          accepted.add(e);
        } catch (InvalidRecordException ex) {
          deadLetters.add(raw.source + "/" + raw.offset + "/" + ex.reason());
        }
      }
    }
  }
}
