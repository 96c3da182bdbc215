package io.demandmonitor.cli;

import io.demandmonitor.simulate.KafkaPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Checks Kafka before a job starts: the brokers answer and the input topics exist. A job started
 * without them fails deep inside Flink with a wall of stack traces; this says what is wrong in one
 * line. Output topics (dead letters, alerts) are created when missing, input topics only when
 * asked: a missing input topic is more often a wrong address or name than a new cluster.
 */
final class KafkaPreflight {

  static final int TIMEOUT_SECONDS = 10;

  private KafkaPreflight() {}

  /**
   * @param createInputs create missing input topics with {@code partitions} partitions
   * @return the topics it created
   * @throws IllegalStateException with a one-line reason
   */
  static List<String> check(
      Properties client,
      List<String> inputs,
      boolean createInputs,
      List<String> outputs,
      int partitions)
      throws InterruptedException {
    String servers = client.getProperty("bootstrap.servers");
    Properties props = new Properties();
    props.putAll(client);
    props.put("default.api.timeout.ms", String.valueOf(TIMEOUT_SECONDS * 1000));
    props.put("request.timeout.ms", String.valueOf(TIMEOUT_SECONDS * 1000 / 2));
    Set<String> existing;
    try (Admin admin = Admin.create(props)) {
      existing = admin.listTopics().names().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          e.getCause() instanceof TimeoutException
              ? "Kafka at "
                  + servers
                  + " did not answer within "
                  + TIMEOUT_SECONDS
                  + " s: is the broker running, "
                  + "and is --kafka its address?"
              : "Kafka at " + servers + ": " + e.getCause().getMessage());
    }
    List<String> missing = inputs.stream().filter(t -> !existing.contains(t)).toList();
    if (!missing.isEmpty() && !createInputs) {
      throw new IllegalStateException(
          "Kafka at "
              + servers
              + " has no input topic "
              + String.join(", ", missing)
              + ": create "
              + (missing.size() == 1 ? "it" : "them")
              + ", or run with --create-topics");
    }
    List<String> created = new ArrayList<>(KafkaPublisher.createTopics(props, missing, partitions));
    created.addAll(
        KafkaPublisher.createTopics(
            props, outputs.stream().filter(t -> !existing.contains(t)).toList(), 1));
    return created;
  }
}
