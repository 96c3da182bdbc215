package io.demandmonitor.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The Flink environment of the commands that run the pipeline. */
final class FlinkEnvironment {

  /** Where the embedded runtime's web UI and REST API listen. */
  record WebUi(String address, int port) {

    /** The REST API still listens (it cannot be turned off): on a port of the system's choosing, on loopback. */
    static final WebUi NONE = new WebUi(InetAddress.getLoopbackAddress().getHostAddress(), 0);

    /** The first port from {@code firstPort} (up to 20 more) that is free on {@code address}. */
    static WebUi firstFree(String address, int firstPort) {
      for (int port = firstPort; port <= firstPort + 20; port++) {
        try (ServerSocket probe = new ServerSocket()) {
          probe.bind(new InetSocketAddress(address, port));
          return new WebUi(address, port);
        } catch (IOException taken) {
          // try the next one
        }
      }
      throw new IllegalStateException("no free port for the web UI on " + address + " from " + firstPort
          + " to " + (firstPort + 20) + " (--web-ui-port)");
    }

    String url() {
      return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
  }

  private FlinkEnvironment() {}

  /**
   * Submitted with {@code flink run}, the cluster's environment; otherwise an embedded runtime
   * whose web UI and REST API listen on {@code webUi} only, without jar upload or cancel from the
   * web UI: whoever reaches the REST API can run code as this user.
   *
   * @param restarts how often a failed job is restarted before it fails for good
   */
  static StreamExecutionEnvironment create(WebUi webUi, int parallelism, Duration checkpointEvery, int restarts) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false); // every type has a Flink or Avro serializer, never Kryo
    if (restarts > 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    conf.set(RestOptions.ADDRESS, webUi.address());
    conf.set(RestOptions.BIND_ADDRESS, webUi.address());
    conf.set(RestOptions.BIND_PORT, String.valueOf(webUi.port()));
    conf.set(WebOptions.SUBMIT_ENABLE, false);
    conf.set(WebOptions.CANCEL_ENABLE, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointEvery.toMillis());
    return env;
  }
}
