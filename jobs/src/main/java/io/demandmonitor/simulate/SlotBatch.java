package io.demandmonitor.simulate;

import io.demandmonitor.ingest.RawRecord;

/** The records that arrive during one slot of simulated time. A Flink POJO. */
public class SlotBatch {

  /** Exclusive end of the slot, epoch millis: the simulated clock once the batch is out. */
  public long slotEnd;

  public RawRecord[] records;

  public SlotBatch() {}

  public SlotBatch(long slotEnd, RawRecord[] records) {
    this.slotEnd = slotEnd;
    this.records = records;
  }
}
