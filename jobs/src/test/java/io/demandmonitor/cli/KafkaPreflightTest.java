package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.KafkaBroker;
import io.demandmonitor.TestConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run --kafka} checks Kafka before it starts a job, on a real broker: what is wrong is said
 * in one line with a non-zero exit code, never as stack traces.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaPreflightTest {

  private static KafkaBroker kafka;

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    kafka.close();
  }

  @Test
  void aBrokerWithoutTheInputTopicsIsNamedInOneLine() {
    int exit = run(kafka.bootstrapServers());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "demand-monitor run: Kafka at "
                + kafka.bootstrapServers()
                + " has no input topic care-referrals, safeguarding-contacts, helpline-calls, testing-events: create them, "
                + "or run with --create-topics (details in out/demand-monitor.log)"
                + System.lineSeparator());
    assertThat(out.toString()).doesNotContain("Flink job", "\tat ");
  }

  @Test
  void anUnreachableBrokerIsNamedInOneLine() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    int exit = run("127.0.0.1:" + closedPort);

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "demand-monitor run: Kafka at 127.0.0.1:"
                + closedPort
                + " did not answer "
                + "within 10 s: is the broker running, and is --kafka its address? (details in out/demand-monitor.log)"
                + System.lineSeparator());
    assertThat(out.toString()).doesNotContain("Flink job", "\tat ");
  }

  @Test
  void createTopicsCreatesTheMissingInputTopicsAndRuns() throws Exception {
    kafka.createTopics(1, "care-referrals");
    int exit = run(kafka.bootstrapServers(), "--create-topics");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "Created topic safeguarding-contacts",
            "Created topic testing-events",
            "Created topic demand-dead-letters",
            "Final summary (finished)")
        .doesNotContain("Created topic care-referrals");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      assertThat(admin.listTopics().names().get())
          .contains(
              "care-referrals",
              "safeguarding-contacts",
              "helpline-calls",
              "testing-events",
              "demand-dead-letters",
              "demand-alerts");
    }
  }

  private int run(String bootstrapServers, String... more) {
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] args = {
      "run",
      "--kafka",
      bootstrapServers,
      "--no-live",
      "--web-ui-port",
      "0",
      "--out",
      dir.toString(),
      "--config-dir",
      TestConfig.CONFIG_DIR.toString()
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return cli.execute(all);
  }
}
