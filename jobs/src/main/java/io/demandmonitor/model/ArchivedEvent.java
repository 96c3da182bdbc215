package io.demandmonitor.model;

/**
 * A validated input record on its way to the archive: its stream, event time and bytes as sent. A
 * Flink POJO.
 */
public class ArchivedEvent {

  public String topic;
  public long eventTime;

  /** The record in Avro single-object encoding, as its producer sent it. */
  public byte[] value;

  public ArchivedEvent() {}

  public ArchivedEvent(String topic, long eventTime, byte[] value) {
    this.topic = topic;
    this.eventTime = eventTime;
    this.value = value;
  }
}
