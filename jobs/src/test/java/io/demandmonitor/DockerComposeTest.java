package io.demandmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, without a Docker engine: valid Compose, and consistent with the job's settings. */
class DockerComposeTest {

  private static final Path COMPOSE = TestConfig.CONFIG_DIR.toAbsolutePath().getParent().resolve("docker-compose.yml");
  private static final JsonNode STACK = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void isValidAgainstTheComposeSpecification() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/compose-spec.json")) {
      JsonNode schema = new ObjectMapper().readTree(in);
      withoutDraft4Ids(schema);
      JsonSchema compose = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schema);
      Set<ValidationMessage> problems = compose.validate(STACK);
      assertThat(problems).extracting(ValidationMessage::getMessage).isEmpty();
    }
  }

  /** The schema still names its parts with draft-04 "id" strings, which the 2019-09 validator rejects. */
  private static void withoutDraft4Ids(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object && object.path("id").isTextual()) {
      object.remove("id");
    }
    node.forEach(DockerComposeTest::withoutDraft4Ids);
  }

  @Test
  void everyImageIsPinnedEveryServerHasAHealthCheckAndStateIsOnNamedVolumes() {
    List<String> problems = new ArrayList<>();
    STACK.path("services").fields().forEachRemaining(e -> {
      String image = e.getValue().path("image").asText();
      if (!image.matches("[\\w./-]+:\\d[\\w.-]*")) {
        problems.add(e.getKey() + ": image '" + image + "' is not pinned to a version");
      }
      boolean server = e.getValue().has("ports") || e.getKey().equals("kafka");
      if (server && !e.getValue().has("healthcheck")) {
        problems.add(e.getKey() + ": a server without a health check");
      }
      e.getValue().path("volumes").forEach(v -> {
        String source = v.asText().split(":")[0];
        if (!source.startsWith("./") && !STACK.path("volumes").has(source)) {
          problems.add(e.getKey() + ": volume '" + source + "' is neither a named volume nor a repository path");
        }
      });
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void secretsComeOnlyFromTheEnvironmentAndGrafanaHasNoDefaultPassword() {
    List<String> problems = new ArrayList<>();
    STACK.path("services").fields().forEachRemaining(e -> e.getValue().path("environment").fields()
        .forEachRemaining(v -> {
          if (v.getKey().matches(".*(PASSWORD|TOKEN|SECRET).*") && !v.getValue().asText().matches("\\$\\{\\w+:\\?.+}")) {
            problems.add(e.getKey() + "." + v.getKey() + " is not a required environment variable");
          }
        }));
    assertThat(problems).isEmpty();
    assertThat(STACK.at("/services/grafana/environment/GF_SECURITY_ADMIN_PASSWORD").asText()).startsWith("${");
  }

  @Test
  void theJobTheTopicsTheDatabaseAndGrafanaAgree() {
    ReferenceData reference = TestConfig.reference();
    String topicScript = STACK.at("/services/kafka-topics/command/0").asText();
    for (Service service : reference.services()) {
      assertThat(topicScript).as("topics created").contains(service.topic());
    }
    assertThat(topicScript).contains("demand-dead-letters", "demand-alerts");

    List<String> job = new ArrayList<>();
    STACK.at("/services/jobmanager/command").forEach(a -> job.add(a.asText()));
    String kafka = job.get(job.indexOf("--kafka") + 1);
    assertThat(STACK.at("/services/kafka/environment/KAFKA_ADVERTISED_LISTENERS").asText())
        .contains("//" + kafka);
    String influxUrl = job.get(job.indexOf("--influx-url") + 1);
    assertThat(influxUrl).isEqualTo("http://influxdb:8086")
        .isEqualTo(STACK.at("/services/grafana/environment/INFLUXDB_URL").asText());
    String database = STACK.at("/services/influxdb/environment/INFLUXDB_DB").asText();
    assertThat(STACK.at("/services/jobmanager/environment/DEMAND_MONITOR_INFLUX_DATABASE").asText())
        .isEqualTo(database);
    assertThat(STACK.at("/services/grafana/environment/INFLUXDB_DB").asText()).isEqualTo(database);
    assertThat(STACK.at("/services/simulator/command").toString()).contains("\"" + kafka + "\"");
    assertThat(STACK.at("/services/jobmanager/environment/FLINK_PROPERTIES").asText())
        .contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.demandmonitor");
    assertThat(STACK.at("/services/grafana/volumes").toString()).contains("./grafana/provisioning:",
        "./grafana/dashboards:/var/lib/grafana/dashboards");
  }
}
