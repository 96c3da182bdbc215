package io.demandmonitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (one combined KRaft node) in the test JVM, with helpers to produce and
 * consume.
 */
public final class KafkaBroker implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private KafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static KafkaBroker start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp(
                "log.retention.ms", "-1") // test data is "old" event time: never delete it
            // Any timestamp, as a Kafka 3 broker takes: a producer with a wrong clock can be tried.
            .setConfigProp("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE))
            .setConfigProp("unstable.api.versions.enable", "false")
            .setConfigProp("unstable.feature.versions.enable", "false")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return new KafkaBroker(cluster);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Properties clientProperties() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers());
    return props;
  }

  public void createTopics(int partitions, String... topics) throws Exception {
    try (Admin admin = Admin.create(clientProperties())) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : topics) {
        newTopics.add(new NewTopic(topic, partitions, (short) 1));
      }
      admin.createTopics(newTopics).all().get();
    }
  }

  /**
   * Sends the records in order (idempotent producer: order kept per partition); returns where each
   * landed.
   */
  public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Properties props = clientProperties();
    props.put("enable.idempotence", "true");
    props.put("linger.ms", "5");
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> record : records) {
        sent.add(producer.send(record));
      }
      producer.flush();
    }
    List<RecordMetadata> landed = new ArrayList<>();
    for (Future<RecordMetadata> future : sent) {
      landed.add(future.get());
    }
    return landed;
  }

  /** Every record now on the topic, from the beginning. */
  public List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic) {
    Properties props = clientProperties();
    props.put("group.id", "test-reader-" + System.nanoTime());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
