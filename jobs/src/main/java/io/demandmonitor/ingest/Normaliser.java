package io.demandmonitor.ingest;

import static io.demandmonitor.ingest.InvalidRecordException.FUTURE_EVENT_TIME;
import static io.demandmonitor.ingest.InvalidRecordException.INVALID_VALUE;
import static io.demandmonitor.ingest.InvalidRecordException.MISSING_EVENT_TIME;
import static io.demandmonitor.ingest.InvalidRecordException.UNKNOWN_CATEGORY;
import static io.demandmonitor.ingest.InvalidRecordException.UNKNOWN_DISTRICT;
import static io.demandmonitor.ingest.InvalidRecordException.UNKNOWN_SOURCE;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.schema.CareReferral;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.schema.TestingEvent;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;

/** Decodes a raw record and validates it against the reference data into a {@link DemandEvent}. */
public final class Normaliser implements Serializable {

  private static final long serialVersionUID = 1L;

  private final ReferenceData reference;
  private final long futureMarginMillis;

  public Normaliser(ReferenceData reference, Duration futureMargin) {
    Feed.checkServices(reference);
    this.reference = reference;
    this.futureMarginMillis = futureMargin.toMillis();
  }

  /**
   * @param nowMillis the current processing time, for the future-event-time check
   */
  public DemandEvent normalise(RawRecord raw, long nowMillis) throws InvalidRecordException {
    Service service = reference.serviceForTopic(raw.source);
    if (service == null) {
      throw new InvalidRecordException(
          UNKNOWN_SOURCE, "no service reads topic '" + raw.source + "'");
    }
    SpecificRecordBase record = Feed.forService(service.id()).decode(raw.value);

    String eventId = (String) record.get("eventId");
    if (eventId == null || eventId.isBlank()) {
      throw new InvalidRecordException(INVALID_VALUE, "eventId is empty");
    }
    Instant eventTime = (Instant) record.get("eventTime");
    if (eventTime == null || eventTime.toEpochMilli() <= 0) {
      throw new InvalidRecordException(
          MISSING_EVENT_TIME, "eventTime is missing (" + eventTime + ")");
    }
    if (eventTime.toEpochMilli() > nowMillis + futureMarginMillis) {
      throw new InvalidRecordException(
          FUTURE_EVENT_TIME,
          "eventTime "
              + eventTime
              + " is more than "
              + Duration.ofMillis(futureMarginMillis)
              + " ahead of "
              + Instant.ofEpochMilli(nowMillis));
    }
    String district = (String) record.get("district");
    if (reference.district(district) == null) {
      throw new InvalidRecordException(
          UNKNOWN_DISTRICT, "district '" + district + "' is not in districts.yaml");
    }
    String category = String.valueOf(record.get(service.categoryField()));
    if (!service.categories().contains(category)) {
      throw new InvalidRecordException(
          UNKNOWN_CATEGORY,
          service.categoryField() + " '" + category + "' is not a category of " + service.id());
    }

    DemandEvent event =
        new DemandEvent(
            eventId, service.id(), district, category, eventTime.toEpochMilli(), 0, false, null);
    if (record instanceof HelplineCall call) {
      if (call.getWaitSeconds() < 0 || call.getHandledSeconds() < 0) {
        throw new InvalidRecordException(
            INVALID_VALUE,
            "negative waitSeconds "
                + call.getWaitSeconds()
                + " or handledSeconds "
                + call.getHandledSeconds());
      }
      event.waitSeconds = call.getWaitSeconds();
      event.abandoned = call.getAbandoned();
    } else if (record instanceof TestingEvent test) {
      if (test.getSiteId() != null && reference.site(test.getSiteId()) == null) {
        throw new InvalidRecordException(
            INVALID_VALUE, "siteId '" + test.getSiteId() + "' is not in sites.yaml");
      }
      event.outcome = test.getResult().name();
    } else if (record instanceof CareReferral referral) {
      event.outcome = referral.getUrgency().name();
    }
    return event;
  }
}
