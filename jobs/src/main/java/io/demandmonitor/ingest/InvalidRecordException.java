package io.demandmonitor.ingest;

/** A record that cannot become a demand event; {@link #reason} is the dead letter's reason code. */
public class InvalidRecordException extends Exception {

  public static final String UNDECODABLE = "UNDECODABLE";
  public static final String UNKNOWN_SOURCE = "UNKNOWN_SOURCE";
  public static final String UNKNOWN_DISTRICT = "UNKNOWN_DISTRICT";
  public static final String UNKNOWN_CATEGORY = "UNKNOWN_CATEGORY";
  public static final String MISSING_EVENT_TIME = "MISSING_EVENT_TIME";
  public static final String FUTURE_EVENT_TIME = "FUTURE_EVENT_TIME";
  public static final String INVALID_VALUE = "INVALID_VALUE";

  private final String reason;

  public InvalidRecordException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
