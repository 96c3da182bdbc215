package io.demandmonitor.ingest;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * How the job talks to Kafka: brokers, consumer group, where to start, the dead-letter topic, event
 * time of the sources, and any other client properties (security: SASL/SSL) passed through.
 *
 * @param startFrom {@code committed} (the group's offsets, else earliest), {@code earliest}, {@code
 *     latest}, or an ISO instant
 */
public record KafkaSettings(
    String bootstrapServers,
    String groupId,
    String startFrom,
    String deadLetterTopic,
    SourceWatermarks eventTime,
    Map<String, String> clientProperties)
    implements Serializable {

  private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|key).*");

  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
    startingOffsets(startFrom); // fail at start-up, not in the job
  }

  public static OffsetsInitializer startingOffsets(String startFrom) {
    return switch (startFrom) {
      case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      default -> {
        try {
          yield OffsetsInitializer.timestamp(Instant.parse(startFrom).toEpochMilli());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "start position '"
                  + startFrom
                  + "' is not committed, earliest, latest or an instant such as 2026-03-02T09:00:00Z");
        }
      }
    };
  }

  /** The client properties for a Kafka producer, consumer or admin client. */
  public Properties properties() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }

  /** Safe to print: values of keys that look like secrets are masked. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, SECRET.matcher(k).matches() ? "******" : v));
    return "kafka "
        + bootstrapServers
        + " group "
        + groupId
        + " from "
        + startFrom
        + " dead letters to "
        + deadLetterTopic
        + (shown.isEmpty() ? "" : " " + shown);
  }
}
