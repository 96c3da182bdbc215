package io.demandmonitor.ingest;

import io.demandmonitor.model.ArchivedEvent;
import io.demandmonitor.schema.DeadLetter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw records in, demand events out. A record that cannot be decoded or fails validation never
 * fails the job: it leaves through the {@link #DEAD_LETTERS} side output with the reason ({@link
 * DeadLetters}).
 */
public class DecodeFunction extends ProcessFunction<RawRecord, DemandEvent> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  /** Every record that passed validation, as it arrived: for the archive. */
  public static final OutputTag<ArchivedEvent> VALIDATED = new OutputTag<>("validated") {};

  private final Normaliser normaliser;
  private final boolean keepValidated;
  private transient SourceCounters eventsIn;
  private transient SourceCounters deadLettered;

  /**
   * @param keepValidated whether validated records go to {@link #VALIDATED} too (for an archive)
   */
  public DecodeFunction(Normaliser normaliser, boolean keepValidated) {
    this.normaliser = normaliser;
    this.keepValidated = keepValidated;
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
    eventsIn = new SourceCounters(getRuntimeContext().getMetricGroup(), "eventsIn");
    deadLettered = new SourceCounters(getRuntimeContext().getMetricGroup(), "deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<DemandEvent> out) {
    long now = ctx.timerService().currentProcessingTime();
    eventsIn.inc(raw.source);
    try {
      DemandEvent event = normaliser.normalise(raw, now);
      out.collect(event);
      if (keepValidated) {
        ctx.output(VALIDATED, new ArchivedEvent(raw.source, event.eventTime, raw.value));
      }
    } catch (InvalidRecordException e) {
      deadLettered.inc(raw.source);
      ctx.output(DEAD_LETTERS, DeadLetters.of(raw, e, now));
    }
  }
}
