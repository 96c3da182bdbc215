package io.demandmonitor.ingest;

import java.util.Objects;

/**
 * One unit of demand after ingestion, whatever its front door: service, district, category, event
 * time and the per-service measures. Carries the pseudonymous event id only, for de-duplication;
 * nothing that identifies a person. A Flink POJO.
 */
public class DemandEvent {

  public String eventId;
  public String service;
  public String district;
  public String category;

  /** Epoch millis. */
  public long eventTime;

  /** Helpline: seconds waited; 0 for other services. */
  public int waitSeconds;

  /** Helpline: the caller gave up before being answered. */
  public boolean abandoned;

  /** Testing: POSITIVE, NEGATIVE or VOID; care referrals: urgency; otherwise null. */
  public String outcome;

  public DemandEvent() {}

  public DemandEvent(
      String eventId,
      String service,
      String district,
      String category,
      long eventTime,
      int waitSeconds,
      boolean abandoned,
      String outcome) {
    this.eventId = eventId;
    this.service = service;
    this.district = district;
    this.category = category;
    this.eventTime = eventTime;
    this.waitSeconds = waitSeconds;
    this.abandoned = abandoned;
    this.outcome = outcome;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DemandEvent e
        && eventTime == e.eventTime
        && waitSeconds == e.waitSeconds
        && abandoned == e.abandoned
        && Objects.equals(eventId, e.eventId)
        && Objects.equals(service, e.service)
        && Objects.equals(district, e.district)
        && Objects.equals(category, e.category)
        && Objects.equals(outcome, e.outcome);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, service, district, category, eventTime);
  }

  @Override
  public String toString() {
    return service + "/" + district + "/" + category + "@" + eventTime + "#" + eventId;
  }
}
