package io.demandmonitor.cli;

import io.demandmonitor.config.ConfigException;
import io.demandmonitor.ingest.KafkaSettings;
import io.demandmonitor.ingest.SourceWatermarks;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Kafka connection options. Client settings such as security.protocol, sasl.mechanism or
 * sasl.jaas.config come from a properties file ({@code --kafka-properties}) and from environment
 * variables {@code DEMAND_MONITOR_KAFKA_<KEY>} (e.g. DEMAND_MONITOR_KAFKA_SASL_JAAS_CONFIG for
 * sasl.jaas.config), so secrets need not appear on a command line. They are never printed.
 */
public final class KafkaOptions {

  static final String ENV_PREFIX = "DEMAND_MONITOR_KAFKA_";

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers: read (run) or write (simulate) the real topics.")
  String bootstrapServers;

  @Option(
      names = "--kafka-properties",
      paramLabel = "FILE",
      description =
          "Kafka client properties file (security settings), merged under DEMAND_MONITOR_KAFKA_* "
              + "environment variables.")
  Path propertiesFile;

  boolean enabled() {
    return bootstrapServers != null;
  }

  Map<String, String> clientProperties() {
    return clientProperties(propertiesFile, System.getenv());
  }

  static Map<String, String> clientProperties(Path file, Map<String, String> environment) {
    Map<String, String> props = new HashMap<>();
    if (file != null) {
      Properties loaded = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        loaded.load(reader);
      } catch (IOException e) {
        throw new ConfigException(
            "--kafka-properties: " + file + ": cannot be read: " + e.getMessage());
      }
      loaded.forEach((k, v) -> props.put(k.toString(), v.toString()));
    }
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
            props.put(
                name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                value);
          }
        });
    return props;
  }

  KafkaSettings settings(
      String groupId, String startFrom, String deadLetterTopic, SourceWatermarks eventTime) {
    try {
      return new KafkaSettings(
          bootstrapServers, groupId, startFrom, deadLetterTopic, eventTime, clientProperties());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--start-from: " + e.getMessage());
    }
  }
}
