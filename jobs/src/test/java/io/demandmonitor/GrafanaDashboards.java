package io.demandmonitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The provisioned Grafana dashboards, read as Grafana reads them, and their InfluxQL. */
public final class GrafanaDashboards {

  public static final Path GRAFANA =
      TestConfig.CONFIG_DIR.toAbsolutePath().getParent().resolve("grafana");
  public static final String DATASOURCE_UID = "demand-influxdb";

  /** $name, ${name} or ${name:format}, [[name]] or [[name:format]]: Grafana's variable syntax. */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::(\\w+))?}|\\$(\\w+)|\\[\\[(\\w+)(?::(\\w+))?]]");

  private static final Pattern IDENTIFIER = Pattern.compile("(AS\\s+)?\"([^\"]+)\"");

  /** Grafana's macros as the panels' queries get them. */
  public static final Map<String, String> MACROS =
      Map.of("timeFilter", "time > now() - 2d", "__interval", "1m");

  private GrafanaDashboards() {}

  /** A query of a panel, a template variable or an annotation. */
  public record Query(String dashboard, String title, String influxql) {}

  public static List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** The alerting provisioning: contact points, notification policies, rules. */
  public static JsonNode alerting() throws IOException {
    return new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(GRAFANA.resolve("provisioning/alerting/demand-alerts.yaml").toFile());
  }

  public static JsonNode read(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  /** Every query of every dashboard, and of every provisioned alert rule on the datasource. */
  public static List<Query> queries() throws IOException {
    List<Query> queries = new ArrayList<>();
    for (JsonNode group : alerting().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        rule.path("data")
            .forEach(
                d -> {
                  if (d.path("datasourceUid").asText().equals(DATASOURCE_UID)) {
                    queries.add(
                        new Query(
                            "alert rules",
                            rule.path("title").asText(),
                            d.path("model").path("query").asText()));
                  }
                });
      }
    }
    for (Path file : files()) {
      JsonNode dashboard = read(file);
      String name = dashboard.path("title").asText();
      for (JsonNode panel : panels(dashboard)) {
        panel
            .path("targets")
            .forEach(
                t ->
                    queries.add(
                        new Query(name, panel.path("title").asText(), t.path("query").asText())));
      }
      dashboard
          .path("templating")
          .path("list")
          .forEach(
              v ->
                  queries.add(
                      new Query(
                          name, "variable " + v.path("name").asText(), v.path("query").asText())));
      dashboard
          .path("annotations")
          .path("list")
          .forEach(
              a ->
                  queries.add(
                      new Query(
                          name,
                          "annotation " + a.path("name").asText(),
                          a.path("query").asText())));
    }
    return queries;
  }

  /** Every panel, rows' panels included. */
  public static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(
            p -> {
              panels.add(p);
              p.path("panels").forEach(panels::add);
            });
    return panels;
  }

  /**
   * The query as Grafana sends it: macros ($timeFilter, $__interval) replaced by their values,
   * template variables formatted as {@code ${name:regex}} formats them (Grafana's escapeRegex of
   * each value, several values as (a|b)). A template variable in any other form would reach
   * InfluxQL unescaped, so it fails the test.
   */
  public static String substitute(
      String influxql, Map<String, String> macros, Map<String, List<String>> variables) {
    Matcher m = VARIABLE.matcher(influxql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(4);
      String format = m.group(2) != null ? m.group(2) : m.group(5);
      String value;
      if (macros.containsKey(name) && format == null) {
        value = macros.get(name);
      } else if (variables.containsKey(name) && "regex".equals(format)) {
        List<String> escaped =
            variables.get(name).stream().map(GrafanaDashboards::escapeRegex).toList();
        value = escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
      } else {
        throw new AssertionError(
            m.group() + " is not a macro nor a variable in ${name:regex} form, in " + influxql);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  /**
   * Grafana's escapeRegex (packages/grafana-data/src/text/string.ts), the regex format's escaping.
   */
  static String escapeRegex(String value) {
    return value.replaceAll("[\\\\^$*+?.()|\\[\\]{}/]", "\\\\$0");
  }

  /**
   * The measurements, tags and fields a query names (double-quoted identifiers, aliases left out).
   */
  public static List<String> identifiers(String influxql) {
    List<String> ids = new ArrayList<>();
    Matcher m = IDENTIFIER.matcher(influxql);
    while (m.find()) {
      if (m.group(1) == null) {
        ids.add(m.group(2));
      }
    }
    return ids;
  }
}
