package io.demandmonitor.ingest;

/**
 * One input record as it arrived, before decoding: the same envelope whether it came from a Kafka
 * topic or from the simulator, so both go through the same decoding and validation. A Flink POJO.
 */
public class RawRecord {

  /** The topic (or simulated stream) the record came from. */
  public String source;

  public int partition;
  public long offset;

  /** The producer's timestamp in epoch millis (Kafka record timestamp). */
  public long timestamp;

  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public RawRecord(
      String source, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.source = source;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }
}
