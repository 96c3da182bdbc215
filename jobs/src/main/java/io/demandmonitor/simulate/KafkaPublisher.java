package io.demandmonitor.simulate;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.ingest.RawRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes simulated records to the services' Kafka topics exactly as they arrive from the
 * simulator (malformed ones included), stamped with their timestamps, and counts what it sent.
 */
public final class KafkaPublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, Long> sent = new LinkedHashMap<>();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaPublisher(Properties clientProperties) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    // Retries would add copies of their own: the simulator decides which duplicates there are.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Creates the topics that do not exist yet; returns the ones it created. */
  public static List<String> createTopics(
      Properties clientProperties, List<String> topics, int partitions)
      throws InterruptedException {
    List<String> created = new ArrayList<>();
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.putIfAbsent(
        "default.api.timeout.ms", "20000"); // an unreachable broker is an error, not a hang
    props.putIfAbsent("request.timeout.ms", "10000");
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      for (String topic : topics) {
        if (existing.contains(topic)) {
          continue;
        }
        try {
          admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1))).all().get();
          created.add(topic);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + clientProperties.get("bootstrap.servers")
              + ": "
              + e.getCause().getMessage(),
          e);
    }
    return created;
  }

  public static List<String> inputTopics(ReferenceData reference) {
    return reference.services().stream().map(Service::topic).toList();
  }

  public void send(RawRecord raw) {
    throwIfFailed();
    producer.send(
        new ProducerRecord<>(raw.source, null, raw.timestamp, raw.key, raw.value),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
    sent.merge(raw.source, 1L, Long::sum);
  }

  private void throwIfFailed() {
    Exception error = failure.get();
    if (error != null) {
      throw new IllegalStateException("publishing to Kafka failed: " + error.getMessage(), error);
    }
  }

  public Map<String, Long> sent() {
    return sent;
  }

  @Override
  public void close() {
    producer.close(); // flushes what is still buffered
    throwIfFailed();
  }
}
