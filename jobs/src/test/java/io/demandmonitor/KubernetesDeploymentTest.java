package io.demandmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/flink-deployment.yaml, without a cluster: valid against the Flink Kubernetes
 * Operator's FlinkDeployment CRD schema, with durable state, HA, savepoint upgrades and the same
 * job as compose.
 */
class KubernetesDeploymentTest {

  private static final Path MANIFEST =
      TestConfig.CONFIG_DIR
          .toAbsolutePath()
          .getParent()
          .resolve("deploy/kubernetes/flink-deployment.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theFlinkDeploymentIsValidAgainstTheOperatorsSchema() throws IOException {
    JsonNode deployment = documents().get(0);
    assertThat(deployment.path("kind").asText()).isEqualTo("FlinkDeployment");
    Set<ValidationMessage> problems =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
            .getSchema(crdSchema(deployment.path("apiVersion").asText()))
            .validate(deployment);
    assertThat(problems).extracting(ValidationMessage::getMessage).isEmpty();
  }

  @Test
  void stateIsDurableUpgradesGoThroughASavepointAndRestIsInternal() throws IOException {
    JsonNode spec = documents().get(0).path("spec");
    JsonNode flink = spec.path("flinkConfiguration");
    assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(flink.path("high-availability.type").asText()).isEqualTo("kubernetes");
    for (String key :
        List.of(
            "high-availability.storageDir",
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir")) {
      assertThat(flink.path(key).asText()).as(key).startsWith("file:///flink-data/");
    }
    assertThat(spec.at("/podTemplate/spec/containers/0/volumeMounts/0/mountPath").asText())
        .isEqualTo("/flink-data");
    String claim = spec.at("/podTemplate/spec/volumes/0/persistentVolumeClaim/claimName").asText();
    assertThat(documents())
        .anyMatch(
            d ->
                d.path("kind").asText().equals("PersistentVolumeClaim")
                    && d.at("/metadata/name").asText().equals(claim));
    assertThat(flink.path("execution.checkpointing.externalized-checkpoint-retention").asText())
        .isEqualTo("RETAIN_ON_CANCELLATION");
    assertThat(flink.path("kubernetes.rest-service.exposed.type").asText()).isEqualTo("ClusterIP");
    assertThat(flink.path("web.submit.enable").asText()).isEqualTo("false");
    assertThat(flink.path("env.java.opts.all").asText())
        .contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.demandmonitor");
    assertThat(spec.at("/job/entryClass").asText())
        .isEqualTo("io.demandmonitor.cli.DemandMonitorCli");
    assertThat(spec.at("/job/args").toString())
        .contains("\"run\"", "\"--kafka\"", "\"--influx-url\"");
    // Secrets from a Secret, never in the manifest.
    spec.at("/podTemplate/spec/containers/0/env")
        .forEach(
            e -> {
              if (e.path("name").asText().matches(".*(PASSWORD|JAAS).*")) {
                assertThat(e.has("value")).as(e.path("name").asText()).isFalse();
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText())
                    .isEqualTo("demand-monitor");
              }
            });
  }

  private static List<JsonNode> documents() throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(MANIFEST.toFile())) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
    }
    return documents;
  }

  /**
   * The openAPIV3Schema of a FlinkDeployment version, from the operator's CRD. The operator API
   * served by Maven Central here (1.10.0) predates Flink 2, so its flinkVersion enum stops at
   * v1_20; operator 1.13's CRD adds v2_0 to v2_4 and is otherwise the same for what the manifest
   * uses. Only that enum is extended.
   */
  private static JsonNode crdSchema(String apiVersion) throws IOException {
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    try (InputStream in =
        KubernetesDeploymentTest.class.getResourceAsStream(
            "/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")) {
      assertThat(in).as("the FlinkDeployment CRD on the test classpath").isNotNull();
      for (JsonNode v : YAML.readTree(in).at("/spec/versions")) {
        if (v.path("name").asText().equals(version)) {
          ObjectNode schema = (ObjectNode) v.at("/schema/openAPIV3Schema");
          ArrayNode versions =
              (ArrayNode) schema.at("/properties/spec/properties/flinkVersion/enum");
          List.of("v2_0", "v2_1", "v2_2", "v2_3").forEach(versions::add);
          strict(schema);
          schema.remove(
              "additionalProperties"); // apiVersion, kind and metadata are Kubernetes' own
          return schema;
        }
      }
    }
    throw new AssertionError("no FlinkDeployment CRD version " + version);
  }

  /** Unknown fields are errors, as with kubectl's strict field validation: a misspelt key fails. */
  private static void strict(JsonNode node) {
    if (node instanceof ObjectNode object
        && object.has("properties")
        && !object.has("additionalProperties")
        && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      object.put("additionalProperties", false);
    }
    node.forEach(KubernetesDeploymentTest::strict);
  }
}
