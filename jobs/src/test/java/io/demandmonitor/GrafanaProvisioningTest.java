package io.demandmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grafana cannot run here: its provisioning files are checked for what Grafana needs of them. */
class GrafanaProvisioningTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theDatasourceIsInfluxQlWithAFixedUidAndCredentialsOnlyFromTheEnvironment()
      throws IOException {
    JsonNode source =
        YAML.readTree(
                GrafanaDashboards.GRAFANA
                    .resolve("provisioning/datasources/influxdb.yaml")
                    .toFile())
            .path("datasources")
            .get(0);
    assertThat(source.path("uid").asText()).isEqualTo(GrafanaDashboards.DATASOURCE_UID);
    assertThat(source.path("type").asText()).isEqualTo("influxdb");
    assertThat(source.path("jsonData").path("version").asText("InfluxQL")).isEqualTo("InfluxQL");
    for (JsonNode secret :
        List.of(
            source.path("user"),
            source.path("secureJsonData").path("password"),
            source.path("url"),
            source.path("jsonData").path("dbName"))) {
      assertThat(secret.asText()).matches("\\$\\{[A-Z_]+\\}");
    }
  }

  @Test
  void theDashboardsProviderLoadsTheDashboardsFolder() throws IOException {
    JsonNode provider =
        YAML.readTree(
                GrafanaDashboards.GRAFANA
                    .resolve("provisioning/dashboards/demand-monitor.yaml")
                    .toFile())
            .path("providers")
            .get(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText())
        .isEqualTo("/var/lib/grafana/dashboards");
  }

  @Test
  void alertRoutingSendsLevelThreeAndAboveToContactPointsWhoseAddressesComeFromTheEnvironment()
      throws IOException {
    JsonNode alerting = GrafanaDashboards.alerting();
    Set<String> contactPoints = new HashSet<>();
    alerting
        .path("contactPoints")
        .forEach(
            c -> {
              contactPoints.add(c.path("name").asText());
              c.path("receivers")
                  .forEach(
                      r ->
                          r.path("settings")
                              .fields()
                              .forEachRemaining(
                                  setting -> {
                                    if (setting.getKey().matches("addresses|url")) {
                                      assertThat(setting.getValue().asText())
                                          .as(c.path("name").asText())
                                          .matches("\\$\\{[A-Z_]+\\}");
                                    }
                                  }));
            });
    List<String> receivers = new ArrayList<>();
    alerting
        .path("policies")
        .forEach(
            p -> {
              receivers.add(p.path("receiver").asText());
              p.path("routes").forEach(r -> receivers.add(r.path("receiver").asText()));
            });
    assertThat(contactPoints).containsAll(receivers);
    assertThat(alerting.path("policies").get(0).path("routes").toString())
        .contains("\"level\"", "\"service\"");

    JsonNode rule = alerting.path("groups").get(0).path("rules").get(0);
    JsonNode threshold =
        rule.path("data").get(2).path("model").path("conditions").get(0).path("evaluator");
    assertThat(threshold.path("type").asText()).isEqualTo("gt");
    assertThat(threshold.path("params").get(0).asDouble()).isBetween(2.0, 3.0); // level 3 and above
    assertThat(rule.path("data").get(0).path("datasourceUid").asText())
        .isEqualTo(GrafanaDashboards.DATASOURCE_UID);
    assertThat(rule.path("labels").path("level").asText()).contains("4", "3");
  }

  /**
   * A dead job writes nothing: its silence must be an alert, and so must a sink that keeps
   * retrying.
   */
  @Test
  void missingPipelineHealthAndPersistentSinkRetriesAreAlerts() throws IOException {
    Map<String, JsonNode> rules = new HashMap<>();
    GrafanaDashboards.alerting()
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r ->
                            rules.put(
                                r.path("data").get(0).path("model").path("query").asText(), r)));
    JsonNode silence =
        rules.entrySet().stream()
            .filter(e -> e.getKey().contains("FROM \"pipeline_health\""))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow();
    assertThat(silence.path("noDataState").asText()).isEqualTo("Alerting");
    assertThat(silence.path("data").get(0).path("relativeTimeRange").path("from").asInt())
        .isBetween(60, 900);
    JsonNode retries =
        rules.entrySet().stream()
            .filter(e -> e.getKey().contains("sum(\"retries\") FROM \"sink_health\""))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow();
    assertThat(retries.path("for").asText()).isNotIn("", "0s");
    for (JsonNode rule : List.of(silence, retries)) {
      assertThat(rule.path("labels").path("level").asText())
          .as(rule.path("title").asText())
          .isIn("3", "4");
    }
  }

  @Test
  void everyDashboardParsesHasAUniqueUidAndUsesOnlyTheProvisionedDatasource() throws IOException {
    Set<String> uids = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    List<Path> files = GrafanaDashboards.files();
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    for (Path file : files) {
      JsonNode dashboard = GrafanaDashboards.read(file);
      assertThat(uids.add(dashboard.path("uid").asText())).as("uid of " + file).isTrue();
      assertThat(GrafanaDashboards.panels(dashboard)).as(file.toString()).isNotEmpty();
      for (JsonNode panel : GrafanaDashboards.panels(dashboard)) {
        if (!panel
            .path("datasource")
            .path("uid")
            .asText()
            .equals(GrafanaDashboards.DATASOURCE_UID)) {
          wrong.add(file.getFileName() + " / " + panel.path("title").asText());
        }
        panel
            .path("targets")
            .forEach(
                t -> {
                  if (!t.path("datasource")
                          .path("uid")
                          .asText()
                          .equals(GrafanaDashboards.DATASOURCE_UID)
                      || t.path("query").asText().isBlank()) {
                    wrong.add(
                        file.getFileName()
                            + " / "
                            + panel.path("title").asText()
                            + " / "
                            + t.path("refId").asText());
                  }
                });
      }
      dashboard
          .path("templating")
          .path("list")
          .forEach(
              v -> {
                if (!v.path("datasource")
                    .path("uid")
                    .asText()
                    .equals(GrafanaDashboards.DATASOURCE_UID)) {
                  wrong.add(file.getFileName() + " / variable " + v.path("name").asText());
                }
              });
    }
    assertThat(wrong)
        .as("panels, queries or variables not on the provisioned datasource")
        .isEmpty();
  }
}
