package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.TestConfig;
import io.demandmonitor.schema.CareReferral;
import io.demandmonitor.schema.Channel;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.schema.TestResult;
import io.demandmonitor.schema.TestType;
import io.demandmonitor.schema.TestingEvent;
import io.demandmonitor.schema.Urgency;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class NormaliserTest {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final Instant T = NOW.minusSeconds(90);
  private final Normaliser normaliser =
      new Normaliser(TestConfig.reference(), Duration.ofMinutes(5));

  @Test
  void helplineCallBecomesAnEventWithItsMeasures() throws Exception {
    DemandEvent event =
        normalise("helpline-calls", call(T, "WELWYN_HATFIELD", "FOOD", 42, 0, true));
    assertThat(event)
        .isEqualTo(
            new DemandEvent(
                "id-1",
                "helpline-calls",
                "WELWYN_HATFIELD",
                "FOOD",
                T.toEpochMilli(),
                42,
                true,
                null));
  }

  @Test
  void testingEventCarriesItsResultAndCareReferralItsUrgency() throws Exception {
    DemandEvent test =
        normalise(
            "testing-events",
            new TestingEvent("id-2", T, "DACORUM", "DAC-01", TestType.PCR, TestResult.POSITIVE));
    assertThat(test.category).isEqualTo("PCR");
    assertThat(test.outcome).isEqualTo("POSITIVE");
    DemandEvent referral =
        normalise(
            "care-referrals",
            new CareReferral("id-3", T, "WATFORD", "GP", "MENTAL_HEALTH", Urgency.URGENT));
    assertThat(referral.category).isEqualTo("MENTAL_HEALTH");
    assertThat(referral.outcome).isEqualTo("URGENT");
  }

  @Test
  void everyInvalidRecordIsRejectedWithItsReason() {
    assertReason("helpline-calls", new byte[] {1, 2, 3}, InvalidRecordException.UNDECODABLE);
    assertReason("helpline-calls", null, InvalidRecordException.UNDECODABLE);
    assertReason(
        "parking-fines",
        bytes(call(T, "WATFORD", "FOOD", 1, 1, false)),
        InvalidRecordException.UNKNOWN_SOURCE);
    // A helpline call on the testing topic does not decode as a testing event.
    assertReason(
        "testing-events",
        bytes(call(T, "WATFORD", "FOOD", 1, 1, false)),
        InvalidRecordException.UNDECODABLE);
    assertReason(
        "helpline-calls",
        bytes(call(T, "ATLANTIS", "FOOD", 1, 1, false)),
        InvalidRecordException.UNKNOWN_DISTRICT);
    assertReason(
        "helpline-calls",
        bytes(call(T, "WATFORD", "ASTROLOGY", 1, 1, false)),
        InvalidRecordException.UNKNOWN_CATEGORY);
    assertReason(
        "helpline-calls",
        bytes(call(NOW.plus(Duration.ofMinutes(6)), "WATFORD", "FOOD", 1, 1, false)),
        InvalidRecordException.FUTURE_EVENT_TIME);
    assertReason(
        "helpline-calls",
        bytes(call(Instant.EPOCH, "WATFORD", "FOOD", 1, 1, false)),
        InvalidRecordException.MISSING_EVENT_TIME);
    assertReason(
        "helpline-calls",
        bytes(call(T, "WATFORD", "FOOD", -1, 1, false)),
        InvalidRecordException.INVALID_VALUE);
    assertReason(
        "testing-events",
        bytes(new TestingEvent("id", T, "WATFORD", "NOWHERE-9", TestType.PCR, TestResult.NEGATIVE)),
        InvalidRecordException.INVALID_VALUE);
  }

  @Test
  void aSmallClockSkewIsNotTheFuture() throws Exception {
    assertThat(
            normalise(
                "helpline-calls",
                call(NOW.plus(Duration.ofMinutes(4)), "WATFORD", "FOOD", 1, 1, false)))
        .isNotNull();
  }

  private DemandEvent normalise(String topic, SpecificRecordBase record)
      throws InvalidRecordException {
    return normaliser.normalise(
        new RawRecord(topic, 0, 0, T.toEpochMilli(), null, bytes(record)), NOW.toEpochMilli());
  }

  private void assertReason(String topic, byte[] value, String reason) {
    assertThatThrownBy(
            () ->
                normaliser.normalise(
                    new RawRecord(topic, 0, 0, 0, null, value), NOW.toEpochMilli()))
        .isInstanceOfSatisfying(
            InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  static HelplineCall call(
      Instant time, String district, String topic, int wait, int handled, boolean abandoned) {
    return new HelplineCall("id-1", time, district, Channel.PHONE, topic, wait, handled, abandoned);
  }

  static byte[] bytes(SpecificRecordBase record) {
    return Feed.forService(
            switch (record.getSchema().getName()) {
              case "HelplineCall" -> "helpline-calls";
              case "TestingEvent" -> "testing-events";
              case "CareReferral" -> "care-referrals";
              default -> "safeguarding-contacts";
            })
        .encode(record);
  }
}
