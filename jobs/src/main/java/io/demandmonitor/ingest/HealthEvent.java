package io.demandmonitor.ingest;

/**
 * Something the pipeline had to set aside: a dead letter, a late event or a duplicate. Every
 * drop is one of these, so none is silent. A Flink POJO.
 */
public class HealthEvent {

  public static final String DEAD_LETTER = "dead_letter";
  public static final String LATE = "late";
  public static final String DUPLICATE = "duplicate";

  /** Topic, or service id once decoded. */
  public String source;
  public String kind;
  /** A reason code for dead letters, else empty. */
  public String reason;
  /** Event time when known, else the record's timestamp, epoch millis. */
  public long time;

  public HealthEvent() {}

  public HealthEvent(String source, String kind, String reason, long time) {
    this.source = source;
    this.kind = kind;
    this.reason = reason;
    this.time = time;
  }
}
