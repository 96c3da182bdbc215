package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestCli;
import io.demandmonitor.TestConfig;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.schema.Channel;
import io.demandmonitor.schema.HelplineCall;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run --kafka --no-live} as a user runs it, against a real broker: it reads the records
 * present at its start and finishes, writing nothing dated after its start (the end of input would
 * otherwise write every series' fall to zero up to a week ahead) and nothing tagged live.
 */
class BoundedKafkaRunTest {

  private static KafkaBroker kafka;

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaBroker.start();
    kafka.createTopics(
        1, "care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events");
    Instant now = Instant.now();
    List<ProducerRecord<byte[], byte[]>> calls = new ArrayList<>();
    for (int i = 0;
        i < 20;
        i++) { // over 100 to 62 minutes ago: a whole hour, so a 7-day window, ends in between
      Instant time = now.minus(Duration.ofMinutes(100 - 2 * i));
      calls.add(
          new ProducerRecord<>(
              "helpline-calls",
              0,
              time.toEpochMilli(),
              null,
              Feed.forService("helpline-calls")
                  .encode(
                      new HelplineCall(
                          "call-" + i, time, "WATFORD", Channel.PHONE, "FOOD", 30, 60, false))));
    }
    kafka.produce(calls);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aBoundedRunWritesNothingAfterItsStartAndNothingIntoTheLiveView() throws IOException {
    long started = System.currentTimeMillis();
    int exit =
        cli()
            .execute(
                "run",
                "--kafka",
                kafka.bootstrapServers(),
                "--no-live",
                "--web-ui-port",
                "0",
                "--summary-every",
                "1s",
                "--out",
                dir.toString(),
                "--config-dir",
                TestConfig.CONFIG_DIR.toString());

    assertThat(exit).as(err.toString()).isZero();
    List<String> lines = TestCli.lines(dir.resolve("demand"));
    assertThat(lines).anyMatch(l -> l.startsWith("demand,district=Watford,horizon=PT168H,"));
    assertThat(lines)
        .as("tagged with the bounded run's id, never live")
        .allMatch(l -> l.matches("[a-z_]+,.*,run=bounded-\\d{8}-\\d{6},.*"));
    assertThat(lines)
        .as("nothing dated after the run started")
        .allMatch(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) <= started + 60_000);
    assertThat(out.toString()).containsPattern("as run bounded-\\d{8}-\\d{6}");
  }

  @Test
  void aBoundedRunRefusesTheLiveRunId() {
    int exit =
        cli()
            .execute(
                "run",
                "--kafka",
                kafka.bootstrapServers(),
                "--no-live",
                "--run-id",
                "live",
                "--web-ui-port",
                "0",
                "--out",
                dir.toString(),
                "--config-dir",
                TestConfig.CONFIG_DIR.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--run-id 'live' must be letters, digits, '.', '_' or '-', and not 'live'");
  }

  private CommandLine cli() {
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli;
  }
}
