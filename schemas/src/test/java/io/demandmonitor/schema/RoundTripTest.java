package io.demandmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every record survives Avro single-object encoding, the wire format on Kafka topics. */
class RoundTripTest {

  private static final Instant T = Instant.parse("2026-03-02T09:15:30.123Z");

  @Test
  void careReferral() throws Exception {
    CareReferral r =
        CareReferral.newBuilder()
            .setEventId("cr-1")
            .setEventTime(T)
            .setDistrict("STEVENAGE")
            .setReferralSource("GP")
            .setPrimarySupportReason("MEMORY_COGNITION")
            .setUrgency(Urgency.URGENT)
            .build();
    assertThat(CareReferral.fromByteBuffer(r.toByteBuffer())).isEqualTo(r);
  }

  @Test
  void safeguardingContact() throws Exception {
    SafeguardingContact r =
        SafeguardingContact.newBuilder()
            .setEventId("sg-1")
            .setEventTime(T)
            .setDistrict("WATFORD")
            .setContactSource("SCHOOL")
            .setConcernCategory("NEGLECT")
            .setSubject(SubjectType.CHILD)
            .build();
    assertThat(SafeguardingContact.fromByteBuffer(r.toByteBuffer())).isEqualTo(r);
  }

  @Test
  void helplineCall() throws Exception {
    HelplineCall r =
        HelplineCall.newBuilder()
            .setEventId("hc-1")
            .setEventTime(T)
            .setDistrict("WELWYN_HATFIELD")
            .setChannel(Channel.CHAT)
            .setTopic("FOOD")
            .setWaitSeconds(42)
            .setHandledSeconds(0)
            .setAbandoned(true)
            .build();
    assertThat(HelplineCall.fromByteBuffer(r.toByteBuffer())).isEqualTo(r);
  }

  @Test
  void testingEventWithAndWithoutSite() throws Exception {
    TestingEvent atSite =
        TestingEvent.newBuilder()
            .setEventId("te-1")
            .setEventTime(T)
            .setDistrict("DACORUM")
            .setSiteId("DAC-01")
            .setTestType(TestType.PCR)
            .setResult(TestResult.POSITIVE)
            .build();
    TestingEvent homeKit =
        TestingEvent.newBuilder(atSite)
            .setEventId("te-2")
            .setSiteId(null)
            .setTestType(TestType.LFD_HOME)
            .build();
    assertThat(TestingEvent.fromByteBuffer(atSite.toByteBuffer())).isEqualTo(atSite);
    assertThat(TestingEvent.fromByteBuffer(homeKit.toByteBuffer())).isEqualTo(homeKit);
  }

  @Test
  void surgeAlert() throws Exception {
    SurgeAlert r =
        SurgeAlert.newBuilder()
            .setAlertId("a-1")
            .setService("safeguarding-contacts")
            .setDistrict("STEVENAGE")
            .setLevel(3)
            .setState(AlertState.ESCALATED)
            .setDetector("SEASONAL_BASELINE")
            .setMeasure("count")
            .setWindow("PT1H")
            .setObserved(41)
            .setThreshold(30)
            .setExpected(18.0)
            .setEpisodeStart(T)
            .setChangedAt(T.plusSeconds(600))
            .build();
    assertThat(SurgeAlert.fromByteBuffer(r.toByteBuffer())).isEqualTo(r);
    assertThat(r.getProvisional()).isFalse();
  }

  @Test
  void surgeIncident() throws Exception {
    SurgeIncident r =
        SurgeIncident.newBuilder()
            .setIncidentId("safeguarding-contacts/2026-03-02T09:21:00Z")
            .setService("safeguarding-contacts")
            .setState(IncidentState.UPDATED)
            .setLevel(1)
            .setPeakLevel(3)
            .setAreas(java.util.List.of("COUNTY", "STEVENAGE"))
            .setRules(java.util.List.of("safeguarding-1h-count"))
            .setOpenEpisodes(0)
            .setEpisodes(2)
            .setStart(T)
            .setQuietSince(T.plusSeconds(3600))
            .setChangedAt(T.plusSeconds(3600))
            .build();
    assertThat(SurgeIncident.fromByteBuffer(r.toByteBuffer())).isEqualTo(r);
  }

  @Test
  void deadLetterKeepsRawBytesExactly() throws Exception {
    byte[] raw = {(byte) 0xC3, 0x01, 0x00, (byte) 0xFF, 0x7F};
    DeadLetter r =
        DeadLetter.newBuilder()
            .setSourceTopic("helpline-calls")
            .setPartition(2)
            .setOffset(1234L)
            .setRawKey(null)
            .setRawValue(ByteBuffer.wrap(raw))
            .setReason("UNDECODABLE")
            .setError("truncated")
            .setDeadLetteredAt(T)
            .build();
    DeadLetter back = DeadLetter.fromByteBuffer(r.toByteBuffer());
    assertThat(back).isEqualTo(r);
    assertThat(bytes(back.getRawValue())).containsExactly(raw);
  }

  @Test
  void eventTimeKeepsMillisecondPrecision() throws Exception {
    HelplineCall r =
        HelplineCall.newBuilder()
            .setEventId("x")
            .setEventTime(T)
            .setDistrict("WATFORD")
            .setChannel(Channel.PHONE)
            .setTopic("OTHER")
            .setWaitSeconds(0)
            .setHandledSeconds(60)
            .setAbandoned(false)
            .build();
    assertThat(HelplineCall.fromByteBuffer(r.toByteBuffer()).getEventTime()).isEqualTo(T);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
