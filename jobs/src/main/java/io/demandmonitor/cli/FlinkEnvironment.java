package io.demandmonitor.cli;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The Flink environment of the commands that run the pipeline. */
final class FlinkEnvironment {

  private FlinkEnvironment() {}

  /**
   * Submitted with {@code flink run}, the cluster's environment; otherwise an embedded runtime
   * with its web UI on {@code webUiPort} or the next free port (0: none).
   *
   * @param restarts how often a failed job is restarted before it fails for good
   */
  static StreamExecutionEnvironment create(int webUiPort, int parallelism, Duration checkpointEvery, int restarts) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false); // every type has a Flink or Avro serializer, never Kryo
    if (restarts > 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    if (webUiPort > 0) {
      conf.set(RestOptions.BIND_PORT, webUiPort + "-" + (webUiPort + 20));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointEvery.toMillis());
    return env;
  }
}
