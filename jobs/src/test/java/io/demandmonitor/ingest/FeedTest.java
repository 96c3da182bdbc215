package io.demandmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.schema.CareReferral;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.junit.jupiter.api.Test;

/**
 * A feed's decoder knows every released version of its schema. The test classpath adds two fixtures
 * under {@link Feed#RELEASED}: CareReferral-v2.avsc (a v2 the producers released before this job's
 * schema moved: v1 plus a defaulted field) and Unparseable-v1.avsc (broken JSON).
 */
class FeedTest {

  private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

  @Test
  void aV1RecordDecodesOnceTheCurrentSchemaIsV2() throws Exception {
    // What happens when this job's schema becomes the v2: producers still on v1 keep writing.
    Schema v2 = released("CareReferral-v2.avsc");
    byte[] v1Bytes = encode(referral(released("CareReferral-v1.avsc"), "c1", T));

    assertThatThrownBy(
            () -> new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v2).decode(v1Bytes))
        .as("a decoder that knows only its own schema")
        .isInstanceOf(MissingSchemaException.class);

    GenericRecord decoded = Feed.<GenericRecord>decoder(GenericData.get(), v2).decode(v1Bytes);
    assertThat(decoded.get("eventId")).hasToString("c1");
    assertThat(decoded.get("assessmentRequested")).isEqualTo(false); // v2's default
  }

  @Test
  void everyReleasedVersionIsFoundInOrder() {
    assertThat(Feed.releasedVersions(CareReferral.getClassSchema()))
        .containsExactly(released("CareReferral-v1.avsc"), released("CareReferral-v2.avsc"));
  }

  @Test
  void theV2FixtureIsTheOnlyCareReferralV2() throws IOException {
    assertThat(
            Collections.list(
                Feed.class.getClassLoader().getResources(Feed.RELEASED + "CareReferral-v2.avsc")))
        .as("CareReferral has a real v2 now: move this test fixture to the next free version")
        .hasSize(1);
  }

  @Test
  void aReleasedVersionTheCurrentSchemaCannotReadFailsNamingTheFile() {
    Schema v1 = released("CareReferral-v1.avsc");
    List<Schema.Field> fields = new ArrayList<>();
    v1.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field("queue", Schema.create(Schema.Type.STRING), "no default", null));
    Schema current = Schema.createRecord(v1.getName(), null, v1.getNamespace(), false, fields);

    assertThatThrownBy(() -> Feed.releasedVersions(current))
        .hasMessageContaining("CareReferral-v1.avsc cannot be read by the current")
        .hasMessageContaining("queue");
  }

  @Test
  void aReleasedVersionThatDoesNotParseFailsNamingTheFile() {
    assertThatThrownBy(() -> Feed.releasedVersions(emptyRecord("Unparseable")))
        .hasMessageContaining("Unparseable-v1.avsc cannot be parsed");
  }

  @Test
  void aSchemaWithoutAReleasedVersionFails() {
    assertThatThrownBy(() -> Feed.releasedVersions(emptyRecord("NeverReleased")))
        .hasMessageContaining("no released version")
        .hasMessageContaining("NeverReleased-v1.avsc");
  }

  private static Schema emptyRecord(String name) {
    return Schema.createRecord(name, null, "io.demandmonitor.schema", false, List.of());
  }

  /** A released schema from the classpath, e.g. "CareReferral-v1.avsc". */
  static Schema released(String file) {
    try (InputStream in = Feed.class.getClassLoader().getResourceAsStream(Feed.RELEASED + file)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new IllegalStateException(file, e);
    }
  }

  /**
   * A care referral as a producer on {@code writer} builds it, without this build's classes; a v2
   * field, when the schema has it, set to its non-default value.
   */
  static GenericRecord referral(Schema writer, String eventId, Instant eventTime) {
    GenericRecord r = new GenericData.Record(writer);
    r.put("eventId", eventId);
    r.put("eventTime", eventTime.toEpochMilli());
    r.put("district", "HERTSMERE");
    r.put("referralSource", "GP");
    r.put("primarySupportReason", "MENTAL_HEALTH");
    r.put("urgency", new GenericData.EnumSymbol(writer.getField("urgency").schema(), "URGENT"));
    if (writer.getField("assessmentRequested") != null) {
      r.put("assessmentRequested", true);
    }
    return r;
  }

  /** Single-object encoding with the record's own schema as the writer's. */
  static byte[] encode(GenericRecord record) throws IOException {
    ByteBuffer buffer =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema())
            .encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
