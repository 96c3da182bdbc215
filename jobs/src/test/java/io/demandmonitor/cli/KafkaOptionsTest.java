package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.ingest.KafkaSettings;
import io.demandmonitor.ingest.SourceWatermarks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaOptionsTest {

  @TempDir Path dir;

  @Test
  void clientPropertiesComeFromAFileAndTheEnvironmentWhichWins() throws IOException {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
    Map<String, String> props =
        KafkaOptions.clientProperties(
            file,
            Map.of(
                "DEMAND_MONITOR_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "DEMAND_MONITOR_KAFKA_SASL_JAAS_CONFIG",
                    "org.apache.kafka...ScramLoginModule required password=\"s3cret\";",
                "PATH", "/usr/bin"));
    assertThat(props)
        .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }

  @Test
  void secretsAreNeverPrinted() {
    KafkaSettings settings =
        new KafkaSettings(
            "broker:9092",
            "g",
            "committed",
            "dl",
            new SourceWatermarks(
                Duration.ofMinutes(2),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5),
                Duration.ofMinutes(1)),
            Map.of(
                "sasl.jaas.config",
                "password=\"s3cret\"",
                "ssl.truststore.password",
                "s3cret",
                "security.protocol",
                "SASL_SSL"));
    assertThat(settings.toString()).doesNotContain("s3cret").contains("SASL_SSL", "******");
    assertThat(settings.properties()).containsEntry("sasl.jaas.config", "password=\"s3cret\"");
  }

  @Test
  void aBadStartPositionIsRefusedAtStartUp() {
    assertThatThrownBy(
            () ->
                new KafkaSettings(
                    "b:9092",
                    "g",
                    "yesterday",
                    "dl",
                    new SourceWatermarks(Duration.ZERO, Duration.ZERO, Duration.ZERO, null),
                    Map.of()))
        .hasMessageContaining("'yesterday' is not committed, earliest, latest or an instant");
    assertThat(KafkaSettings.startingOffsets("2026-03-02T09:00:00Z")).isNotNull();
  }
}
