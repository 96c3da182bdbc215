package io.demandmonitor.model;

/**
 * A count of what happened to records of one source: accepted into demand, or set aside as a dead
 * letter, a late event or a duplicate. Every drop is one of these, so none is silent; records in =
 * accepted + late + duplicate + dead letters. A Flink POJO.
 */
public class HealthEvent {

  public static final String ACCEPTED = "accepted";
  public static final String DEAD_LETTER = "dead_letter";
  public static final String LATE = "late";
  public static final String DUPLICATE = "duplicate";

  /** Topic, or service id once decoded. */
  public String source;

  public String kind;

  /** A reason code for dead letters, else empty. */
  public String reason;

  /** Event time when known, else when it was set aside, epoch millis. */
  public long time;

  public long count;

  public HealthEvent() {}

  public HealthEvent(String source, String kind, String reason, long time, long count) {
    this.source = source;
    this.kind = kind;
    this.reason = reason;
    this.time = time;
    this.count = count;
  }
}
