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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, without a Docker engine: valid Compose, and consistent with the job's
 * settings.
 */
class DockerComposeTest {

  private static final Path REPO = TestConfig.CONFIG_DIR.toAbsolutePath().getParent();
  private static final Path COMPOSE = REPO.resolve("docker-compose.yml");
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
      JsonSchema compose =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schema);
      Set<ValidationMessage> problems = compose.validate(STACK);
      assertThat(problems).extracting(ValidationMessage::getMessage).isEmpty();
    }
  }

  /**
   * The schema still names its parts with draft-04 "id" strings, which the 2019-09 validator
   * rejects.
   */
  private static void withoutDraft4Ids(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object
        && object.path("id").isTextual()) {
      object.remove("id");
    }
    node.forEach(DockerComposeTest::withoutDraft4Ids);
  }

  @Test
  void everyImageIsPinnedEveryServerHasAHealthCheckAndStateIsOnNamedVolumes() {
    List<String> problems = new ArrayList<>();
    STACK
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              String image = e.getValue().path("image").asText();
              if (!image.matches("[\\w./-]+:\\d[\\w.-]*")) {
                problems.add(e.getKey() + ": image '" + image + "' is not pinned to a version");
              }
              boolean server = e.getValue().has("ports") || e.getKey().equals("kafka");
              if (server && !e.getValue().has("healthcheck")) {
                problems.add(e.getKey() + ": a server without a health check");
              }
              e.getValue()
                  .path("volumes")
                  .forEach(
                      v -> {
                        String source = v.asText().split(":")[0];
                        if (!source.startsWith("./") && !STACK.path("volumes").has(source)) {
                          problems.add(
                              e.getKey()
                                  + ": volume '"
                                  + source
                                  + "' is neither a named volume nor a repository path");
                        }
                      });
            });
    assertThat(problems).isEmpty();
  }

  @Test
  void secretsComeOnlyFromTheEnvironmentAndGrafanaHasNoDefaultPassword() {
    List<String> problems = new ArrayList<>();
    STACK
        .path("services")
        .fields()
        .forEachRemaining(
            e ->
                e.getValue()
                    .path("environment")
                    .fields()
                    .forEachRemaining(
                        v -> {
                          String value = v.getValue().asText();
                          if (v.getKey().matches(".*(PASSWORD|TOKEN|SECRET).*")
                              && !value.matches("\\$\\{\\w+:\\?.+}")) {
                            problems.add(
                                e.getKey()
                                    + "."
                                    + v.getKey()
                                    + " is not a required environment variable");
                          }
                          if (value.contains("password=")
                              && !value.matches("(?s).*password=\"\\$\\{\\w+:\\?[^}]+}\";")) {
                            problems.add(
                                e.getKey()
                                    + "."
                                    + v.getKey()
                                    + " holds a password that is not a required environment variable");
                          }
                        }));
    assertThat(problems).isEmpty();
    assertThat(STACK.at("/services/grafana/environment/GF_SECURITY_ADMIN_PASSWORD").asText())
        .startsWith("${");
  }

  @Test
  void publishedPortsListenOnLoopbackUnlessToldOtherwise() {
    List<String> ports = new ArrayList<>();
    STACK
        .path("services")
        .forEach(service -> service.path("ports").forEach(p -> ports.add(p.asText())));
    assertThat(ports)
        .hasSize(3)
        .allMatch(p -> p.matches("\\$\\{PUBLISH_ADDRESS:-127\\.0\\.0\\.1}:\\d+:\\d+"));
  }

  @Test
  void eachClientHasItsOwnLeastPrivilegedCredentials() throws IOException {
    JsonNode influx = STACK.at("/services/influxdb/environment");
    assertThat(influx.path("INFLUXDB_HTTP_AUTH_ENABLED").asText()).isEqualTo("true");
    String writer = influx.path("INFLUXDB_WRITE_USER").asText();
    String reader = influx.path("INFLUXDB_READ_USER").asText();
    assertThat(List.of(writer, reader))
        .doesNotContain("", influx.path("INFLUXDB_ADMIN_USER").asText());
    assertThat(STACK.at("/services/jobmanager/environment/DEMAND_MONITOR_INFLUX_USER").asText())
        .isEqualTo(writer);
    assertThat(STACK.at("/services/grafana/environment/INFLUXDB_USER").asText()).isEqualTo(reader);
    assertThat(influx.has("INFLUXDB_USER"))
        .as("a user with all privileges on the database")
        .isFalse();
    // Admin passwords reach only the server that needs them and its one-off set-up.
    STACK
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              String environment = e.getValue().path("environment").toString();
              if (!List.of("influxdb").contains(e.getKey())) {
                assertThat(environment).as(e.getKey()).doesNotContain("INFLUXDB_ADMIN_PASSWORD");
              }
              if (!List.of("kafka", "kafka-setup").contains(e.getKey())) {
                assertThat(environment).as(e.getKey()).doesNotContain("KAFKA_ADMIN_PASSWORD");
              }
            });
    // Kafka: SASL/SCRAM for every client, each with its own user; the job and the simulator only
    // get the operations their ACLs grant.
    String broker = Files.readString(REPO.resolve("deploy/compose/kafka-broker.sh"));
    assertThat(broker)
        .contains(
            "CLIENTS:SASL_PLAINTEXT",
            "INTERNAL://127.0.0.1:",
            "CONTROLLER://127.0.0.1:",
            "allow.everyone.if.no.acl.found=false",
            "StandardAuthorizer");
    assertThat(broker).doesNotContainPattern("PLAINTEXT://(0\\.0\\.0\\.0)?:");
    assertThat(jaasUser("jobmanager")).isEqualTo("demand-monitor");
    assertThat(jaasUser("simulator")).isEqualTo("simulator");
    String setup = Files.readString(REPO.resolve("deploy/compose/kafka-setup.sh"));
    assertThat(setup)
        .contains(
            "User:simulator --operation Write --operation Describe --topic",
            "User:demand-monitor --operation Read --operation Describe --topic",
            "User:demand-monitor --operation Write --operation Describe --topic")
        .doesNotContain("--operation All");
  }

  /**
   * A password that could end its JAAS or --add-scram field early is refused before the broker
   * starts.
   */
  @Test
  void theBrokerRefusesKafkaPasswordsThatCouldLeaveTheirField() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("sh", REPO.resolve("deploy/compose/kafka-broker.sh").toString())
            .redirectErrorStream(true);
    builder
        .environment()
        .putAll(
            java.util.Map.of(
                "KAFKA_ADMIN_PASSWORD",
                "s3cret,name=evil",
                "KAFKA_JOB_PASSWORD",
                "abc",
                "KAFKA_SIMULATOR_PASSWORD",
                "def"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).isEqualTo(2);
    assertThat(output).contains("letters and digits only").doesNotContain("s3cret");
  }

  private static String jaasUser(String service) {
    JsonNode env = STACK.at("/services/" + service + "/environment");
    assertThat(env.path("DEMAND_MONITOR_KAFKA_SECURITY_PROTOCOL").asText())
        .isEqualTo("SASL_PLAINTEXT");
    assertThat(env.path("DEMAND_MONITOR_KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
    return env.path("DEMAND_MONITOR_KAFKA_SASL_JAAS_CONFIG")
        .asText()
        .replaceAll("(?s).*username=\"([^\"]+)\".*", "$1");
  }

  @Test
  void serversRestartTheWebUiTakesNoJarsAndGrafanaCanSendMail() {
    List<String> once = List.of("build", "kafka-setup");
    STACK
        .path("services")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(e.getValue().path("restart").asText())
                    .as(e.getKey())
                    .isEqualTo(once.contains(e.getKey()) ? "" : "unless-stopped"));
    assertThat(STACK.at("/services/jobmanager/environment/FLINK_PROPERTIES").asText())
        .contains("web.submit.enable: false", "web.cancel.enable: false");
    JsonNode grafana = STACK.at("/services/grafana/environment");
    assertThat(grafana.path("GF_SMTP_ENABLED").asText()).isEqualTo("true");
    for (String key :
        List.of("GF_SMTP_HOST", "GF_SMTP_FROM_ADDRESS", "ALERT_EMAIL", "ALERT_WEBHOOK_URL")) {
      assertThat(grafana.path(key).asText()).as(key).matches("\\$\\{\\w+:\\?.+}");
    }
  }

  /**
   * A JobManager container that restarts resumes its job from the newest checkpoint in the volume.
   */
  @Test
  void theJobManagerResumesFromTheNewestRetainedCheckpoint(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path entrypoint = dir.resolve("entrypoint.sh");
    Files.writeString(entrypoint, "#!/bin/sh\necho \"flink $*\"\n");
    entrypoint.toFile().setExecutable(true);
    Path volume = dir.resolve("checkpoints");
    assertThat(jobManager(volume, entrypoint))
        .contains("flink standalone-job --job-classname Cli run --kafka k:9092")
        .doesNotContain("--fromSavepoint");
    long now = System.currentTimeMillis();
    for (String snapshot :
        List.of("job-a/chk-7", "savepoints/savepoint-b", "job-c/chk-3", "job-d/chk-9")) {
      Files.createDirectories(volume.resolve(snapshot));
    }
    Files.writeString(volume.resolve("job-a/chk-7/_metadata"), "");
    Files.writeString(volume.resolve("savepoints/savepoint-b/_metadata"), "");
    Files.writeString(
        volume.resolve("job-c/chk-3/_metadata"), ""); // job-d/chk-9: incomplete, no _metadata
    Files.setLastModifiedTime(
        volume.resolve("job-a/chk-7/_metadata"),
        java.nio.file.attribute.FileTime.fromMillis(now - 3000));
    Files.setLastModifiedTime(
        volume.resolve("savepoints/savepoint-b/_metadata"),
        java.nio.file.attribute.FileTime.fromMillis(now - 1000));
    Files.setLastModifiedTime(
        volume.resolve("job-c/chk-3/_metadata"),
        java.nio.file.attribute.FileTime.fromMillis(now - 2000));
    assertThat(jobManager(volume, entrypoint))
        .contains(
            "flink standalone-job --fromSavepoint "
                + volume.resolve("savepoints/savepoint-b")
                + " --job-classname Cli run --kafka k:9092");
    assertThat(STACK.at("/services/jobmanager/entrypoint").toString())
        .contains("/opt/demand-monitor/jobmanager.sh");
    assertThat(STACK.at("/services/jobmanager/environment/FLINK_PROPERTIES").asText())
        .contains(
            "externalized-checkpoint-retention: RETAIN_ON_CANCELLATION",
            "savepoint-dir: file:///opt/flink/checkpoints");
  }

  private static String jobManager(Path checkpoints, Path entrypoint) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                "sh",
                REPO.resolve("deploy/compose/jobmanager.sh").toString(),
                "--job-classname",
                "Cli",
                "run",
                "--kafka",
                "k:9092")
            .redirectErrorStream(true);
    builder.environment().put("CHECKPOINTS", checkpoints.toString());
    builder.environment().put("FLINK_ENTRYPOINT", entrypoint.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }

  @Test
  void theJobTheTopicsTheDatabaseAndGrafanaAgree() throws IOException {
    ReferenceData reference = TestConfig.reference();
    String topicScript = Files.readString(REPO.resolve("deploy/compose/kafka-setup.sh"));
    for (Service service : reference.services()) {
      assertThat(topicScript).as("topics created").contains(service.topic());
    }
    assertThat(topicScript).contains("demand-dead-letters", "demand-alerts", "demand-incidents");

    List<String> job = new ArrayList<>();
    STACK.at("/services/jobmanager/command").forEach(a -> job.add(a.asText()));
    String kafka = job.get(job.indexOf("--kafka") + 1);
    assertThat(Files.readString(REPO.resolve("deploy/compose/kafka-broker.sh")))
        .contains("advertised.listeners=CLIENTS://" + kafka);
    String influxUrl = job.get(job.indexOf("--influx-url") + 1);
    assertThat(influxUrl)
        .isEqualTo("http://influxdb:8086")
        .isEqualTo(STACK.at("/services/grafana/environment/INFLUXDB_URL").asText());
    String database = STACK.at("/services/influxdb/environment/INFLUXDB_DB").asText();
    assertThat(STACK.at("/services/jobmanager/environment/DEMAND_MONITOR_INFLUX_DATABASE").asText())
        .isEqualTo(database);
    assertThat(STACK.at("/services/grafana/environment/INFLUXDB_DB").asText()).isEqualTo(database);
    assertThat(STACK.at("/services/simulator/command").toString()).contains("\"" + kafka + "\"");
    assertThat(STACK.at("/services/jobmanager/environment/FLINK_PROPERTIES").asText())
        .contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.demandmonitor");
    assertThat(STACK.at("/services/grafana/volumes").toString())
        .contains("./grafana/provisioning:", "./grafana/dashboards:/var/lib/grafana/dashboards");
  }
}
