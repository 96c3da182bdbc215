package io.demandmonitor.ingest;

import io.demandmonitor.config.ConfigException;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.schema.CareReferral;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.schema.SafeguardingContact;
import io.demandmonitor.schema.TestingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The four front doors and the Avro record each one sends. Records travel in Avro's single-object
 * encoding (a header with the schema fingerprint, then the binary body). Each feed's decoder knows
 * every released version of its schema, so records of producers on an older or newer release still
 * decode.
 */
public enum Feed {
  CARE_REFERRALS("care-referrals", CareReferral.getClassSchema()),
  SAFEGUARDING_CONTACTS("safeguarding-contacts", SafeguardingContact.getClassSchema()),
  HELPLINE_CALLS("helpline-calls", HelplineCall.getClassSchema()),
  TESTING_EVENTS("testing-events", TestingEvent.getClassSchema());

  private final String serviceId;
  private final Schema schema;
  private final BinaryMessageDecoder<SpecificRecordBase> decoder;
  private final BinaryMessageEncoder<SpecificRecordBase> encoder;

  /** Where the schemas jar keeps schemas/released/NAME-vN.avsc. */
  static final String RELEASED = "io/demandmonitor/schema/released/";

  Feed(String serviceId, Schema schema) {
    this.serviceId = serviceId;
    this.schema = schema;
    this.decoder = decoder(SpecificData.get(), schema);
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
  }

  /**
   * A decoder into {@code reader} that also resolves records written with any released version of
   * its schema: without them, a record whose writer's fingerprint is not the reader's own is
   * undecodable.
   */
  static <D> BinaryMessageDecoder<D> decoder(GenericData model, Schema reader) {
    BinaryMessageDecoder<D> decoder = new BinaryMessageDecoder<>(model, reader);
    for (Schema released : releasedVersions(reader)) {
      decoder.addSchema(released);
    }
    return decoder;
  }

  /**
   * NAME-v1.avsc, NAME-v2.avsc, ... on the classpath, up to the first missing. Fails, naming the
   * file, when there is none or one cannot be parsed or cannot be read by {@code current}: better
   * at start-up than a dead-lettered feed.
   */
  static List<Schema> releasedVersions(Schema current) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = RELEASED + current.getName() + "-v" + v + ".avsc";
      URL url = Feed.class.getClassLoader().getResource(path);
      if (url == null) {
        break;
      }
      Schema released;
      try (InputStream in = url.openStream()) {
        released = new Schema.Parser().parse(in);
      } catch (IOException | SchemaParseException e) {
        throw new IllegalStateException(
            "released schema " + url + " cannot be parsed: " + e.getMessage(), e);
      }
      var result =
          SchemaCompatibility.checkReaderWriterCompatibility(current, released).getResult();
      if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
        throw new IllegalStateException(
            "released schema "
                + url
                + " cannot be read by the current "
                + current.getFullName()
                + ": "
                + result.getIncompatibilities().stream()
                    .map(i -> i.getMessage() + " at " + i.getLocation())
                    .toList());
      }
      versions.add(released);
    }
    if (versions.isEmpty()) {
      throw new IllegalStateException(
          "no released version of "
              + current.getFullName()
              + " on the classpath ("
              + RELEASED
              + current.getName()
              + "-v1.avsc)");
    }
    return versions;
  }

  public Schema schema() {
    return schema;
  }

  /** Single-object encoding, as producers put records on the topic. */
  public byte[] encode(SpecificRecordBase record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + serviceId + " record", e);
    }
  }

  public String serviceId() {
    return serviceId;
  }

  /**
   * Every service in the reference data must have a feed, and its category field must be a field of
   * that feed.
   */
  public static void checkServices(ReferenceData reference) {
    List<String> problems = new ArrayList<>();
    List<Service> services = reference.services();
    for (int i = 0; i < services.size(); i++) {
      Service service = services.get(i);
      String key = reference.servicesFile() + ": services[" + i + "]";
      Feed feed =
          Arrays.stream(values())
              .filter(f -> f.serviceId.equals(service.id()))
              .findFirst()
              .orElse(null);
      if (feed == null) {
        problems.add(
            key
                + ".id: no feed reads service '"
                + service.id()
                + "' (known: "
                + Arrays.stream(values()).map(Feed::serviceId).toList()
                + ")");
      } else if (feed.schema.getField(service.categoryField()) == null) {
        problems.add(
            key
                + ".category-field: '"
                + service.categoryField()
                + "' is not a field of "
                + feed.schema.getName());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  public static Feed forService(String serviceId) {
    return Arrays.stream(values())
        .filter(f -> f.serviceId.equals(serviceId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no feed for service " + serviceId));
  }

  public SpecificRecordBase decode(byte[] bytes) throws InvalidRecordException {
    if (bytes == null) {
      throw new InvalidRecordException(InvalidRecordException.UNDECODABLE, "record has no value");
    }
    try {
      return decoder.decode(ByteBuffer.wrap(bytes));
    } catch (Exception e) {
      throw new InvalidRecordException(
          InvalidRecordException.UNDECODABLE,
          "not a "
              + serviceId
              + " Avro record: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
    }
  }
}
