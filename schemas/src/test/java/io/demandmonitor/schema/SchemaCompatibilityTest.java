package io.demandmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility rule of the data contract. Released versions live in
 * schemas/released/NAME-vN.avsc (v1, v2, ... without gaps), the newest equal to the current schema.
 * Every current schema reads data written with every released version (BACKWARD), so consumers can
 * be upgraded before producers; the job's outputs are also read by the previous released version
 * (FORWARD), so consumers not yet upgraded still read what the job writes.
 */
class SchemaCompatibilityTest {

  private static final Path SCHEMAS = Path.of(System.getProperty("schemas.dir", "."));
  private static final Pattern RELEASED = Pattern.compile("(\\w+)-v(\\d+)\\.avsc");
  private static final Set<String> INPUTS =
      Set.of("CareReferral", "SafeguardingContact", "HelplineCall", "TestingEvent");
  private static final Set<String> OUTPUTS = Set.of("SurgeAlert", "SurgeIncident", "DeadLetter");

  static Stream<Path> currentSchemas() throws IOException {
    try (Stream<Path> files = Files.list(SCHEMAS.resolve("src/main/avro"))) {
      return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList().stream();
    }
  }

  static Stream<Path> outputSchemas() throws IOException {
    return currentSchemas().filter(p -> OUTPUTS.contains(name(p)));
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void everySchemaIsAnInputOrAnOutput(Path current) {
    assertThat(INPUTS.contains(name(current)) || OUTPUTS.contains(name(current)))
        .as("%s: add it to INPUTS or OUTPUTS (outputs are also checked FORWARD)", name(current))
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void currentSchemaReadsEveryReleasedVersion(Path current) throws IOException {
    String name = name(current);
    List<Path> released = released(name);
    assertThat(released)
        .as(
            "schema %s has no released version in schemas/released: copy it there as %s-v1.avsc when released",
            name, name)
        .isNotEmpty();
    // Decoders look for v1, v2, ... up to the first missing: a gap would hide later versions.
    assertThat(released.stream().map(SchemaCompatibilityTest::version))
        .as("released versions of %s", name)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, released.size()).boxed().toList());

    for (Path version : released) {
      assertThat(incompatibilities(parse(current), parse(version)))
          .as("%s must read data written with %s", current.getFileName(), version.getFileName())
          .isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void newestReleasedVersionIsTheCurrentSchema(Path current) throws IOException {
    List<Path> released = released(name(current));
    assertThat(released).isNotEmpty();
    Path newest = released.get(released.size() - 1);
    // Canonical form: what the single-object fingerprint is computed over; docs may differ.
    assertThat(canonical(parse(newest)))
        .as(
            "%s changed since %s: release it as %s-v%d.avsc",
            current.getFileName(), newest.getFileName(), name(current), version(newest) + 1)
        .isEqualTo(canonical(parse(current)));
  }

  @ParameterizedTest
  @MethodSource("outputSchemas")
  void previousReleasedVersionReadsTheCurrentOutput(Path current) throws IOException {
    Schema writer = parse(current);
    List<Path> older = new ArrayList<>();
    for (Path version : released(name(current))) {
      if (!canonical(parse(version)).equals(canonical(writer))) {
        older.add(version);
      }
    }
    if (older.isEmpty()) {
      return; // never changed: consumers all read the current schema
    }
    Path previous = older.get(older.size() - 1);
    assertThat(incompatibilities(parse(previous), writer))
        .as(
            "consumers on %s must read data written with %s",
            previous.getFileName(), current.getFileName())
        .isEmpty();
  }

  @Test
  void everyReleasedVersionIsInTheJar() throws IOException {
    // Decoders find released versions on the classpath (schemas/pom.xml copies them there).
    try (Stream<Path> files = Files.list(SCHEMAS.resolve("released"))) {
      for (Path file : files.toList()) {
        assertThat(
                getClass()
                    .getClassLoader()
                    .getResource("io/demandmonitor/schema/released/" + file.getFileName()))
            .as("%s on the classpath", file.getFileName())
            .isNotNull();
      }
    }
  }

  @Test
  void checkRejectsANewFieldWithoutDefault() throws IOException {
    Schema released = parse(SCHEMAS.resolve("released/HelplineCall-v1.avsc"));
    Schema evolved =
        withField(
            released,
            new Schema.Field("queueName", Schema.create(Schema.Type.STRING), "no default", null));

    assertThat(incompatibilities(evolved, released)).isNotEmpty();
  }

  @Test
  void checkAcceptsANewFieldWithDefault() throws IOException {
    Schema released = parse(SCHEMAS.resolve("released/HelplineCall-v1.avsc"));
    Schema evolved =
        withField(
            released,
            new Schema.Field(
                "queueName", Schema.create(Schema.Type.STRING), "defaulted", "general"));

    assertThat(incompatibilities(evolved, released)).isEmpty();
  }

  @Test
  void forwardCheckRejectsAnOutputLosingAFieldWithoutDefault() throws IOException {
    Schema previous = parse(SCHEMAS.resolve("released/SurgeAlert-v1.avsc"));
    List<Schema.Field> fields = new ArrayList<>();
    previous.getFields().stream()
        .filter(f -> !f.name().equals("district")) // a v1 consumer has no default for it
        .forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    Schema current =
        Schema.createRecord(previous.getName(), null, previous.getNamespace(), false, fields);

    assertThat(incompatibilities(previous, current)).isNotEmpty();
  }

  @Test
  void generatedClassesMatchTheirSchemaFiles() throws IOException {
    // Canonical form: what a reader needs, without docs and codegen properties such as
    // avro.java.string.
    assertThat(canonical(HelplineCall.getClassSchema()))
        .isEqualTo(canonical(parse(SCHEMAS.resolve("src/main/avro/HelplineCall.avsc"))));
    assertThat(canonical(SurgeAlert.getClassSchema()))
        .isEqualTo(canonical(parse(SCHEMAS.resolve("src/main/avro/SurgeAlert.avsc"))));
  }

  private static Schema withField(Schema schema, Schema.Field added) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(added);
    return Schema.createRecord(schema.getName(), null, schema.getNamespace(), false, fields);
  }

  private static List<String> incompatibilities(Schema reader, Schema writer) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    return result.getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
        .toList();
  }

  /** NAME's released versions, oldest first. */
  private static List<Path> released(String name) throws IOException {
    try (Stream<Path> files = Files.list(SCHEMAS.resolve("released"))) {
      return files
          .filter(
              p -> {
                Matcher m = RELEASED.matcher(p.getFileName().toString());
                return m.matches() && m.group(1).equals(name);
              })
          .sorted(Comparator.comparingInt(SchemaCompatibilityTest::version))
          .toList();
    }
  }

  private static String name(Path current) {
    return current.getFileName().toString().replace(".avsc", "");
  }

  private static int version(Path released) {
    Matcher m = RELEASED.matcher(released.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(2)) : -1;
  }

  private static String canonical(Schema schema) {
    return SchemaNormalization.toParsingForm(schema);
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
