package io.demandmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility rule of the data contract: every current schema must be able to read data
 * written with its latest released version (BACKWARD), so consumers can be upgraded before
 * producers. Released versions live in schemas/released/NAME-vN.avsc.
 */
class SchemaCompatibilityTest {

  private static final Path SCHEMAS = Path.of(System.getProperty("schemas.dir", "."));
  private static final Pattern RELEASED = Pattern.compile("(\\w+)-v(\\d+)\\.avsc");

  static Stream<Path> currentSchemas() throws IOException {
    try (Stream<Path> files = Files.list(SCHEMAS.resolve("src/main/avro"))) {
      return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void currentSchemaReadsLatestReleasedVersion(Path current) throws IOException {
    String name = current.getFileName().toString().replace(".avsc", "");
    Optional<Path> released = latestReleased(name);
    assertThat(released)
        .as(
            "schema %s has no released version in schemas/released: copy it there as %s-v1.avsc when released",
            name, name)
        .isPresent();

    assertThat(backwardIncompatibilities(parse(current), parse(released.get())))
        .as(
            "%s must read data written with %s",
            current.getFileName(), released.get().getFileName())
        .isEmpty();
  }

  @Test
  void checkRejectsANewFieldWithoutDefault() throws IOException {
    Schema released = parse(SCHEMAS.resolve("released/HelplineCall-v1.avsc"));
    List<Schema.Field> fields = new ArrayList<>();
    released.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field("queueName", Schema.create(Schema.Type.STRING), "no default", null));
    Schema evolved =
        Schema.createRecord(released.getName(), null, released.getNamespace(), false, fields);

    assertThat(backwardIncompatibilities(evolved, released)).isNotEmpty();
  }

  @Test
  void checkAcceptsANewFieldWithDefault() throws IOException {
    Schema released = parse(SCHEMAS.resolve("released/HelplineCall-v1.avsc"));
    List<Schema.Field> fields = new ArrayList<>();
    released.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field("queueName", Schema.create(Schema.Type.STRING), "defaulted", "general"));
    Schema evolved =
        Schema.createRecord(released.getName(), null, released.getNamespace(), false, fields);

    assertThat(backwardIncompatibilities(evolved, released)).isEmpty();
  }

  @Test
  void generatedClassesMatchTheirSchemaFiles() throws IOException {
    // Canonical form: what a reader needs, without docs and codegen properties such as
    // avro.java.string.
    assertThat(SchemaNormalization.toParsingForm(HelplineCall.getClassSchema()))
        .isEqualTo(
            SchemaNormalization.toParsingForm(
                parse(SCHEMAS.resolve("src/main/avro/HelplineCall.avsc"))));
    assertThat(SchemaNormalization.toParsingForm(SurgeAlert.getClassSchema()))
        .isEqualTo(
            SchemaNormalization.toParsingForm(
                parse(SCHEMAS.resolve("src/main/avro/SurgeAlert.avsc"))));
  }

  private static List<String> backwardIncompatibilities(Schema reader, Schema writer) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    return result.getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
        .toList();
  }

  private static Optional<Path> latestReleased(String name) throws IOException {
    try (Stream<Path> files = Files.list(SCHEMAS.resolve("released"))) {
      return files
          .filter(
              p -> {
                Matcher m = RELEASED.matcher(p.getFileName().toString());
                return m.matches() && m.group(1).equals(name);
              })
          .max(Comparator.comparingInt(SchemaCompatibilityTest::version));
    }
  }

  private static int version(Path released) {
    Matcher m = RELEASED.matcher(released.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(2)) : -1;
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
