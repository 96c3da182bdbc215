package io.demandmonitor.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/** The Flink environment of the commands that run the pipeline. */
final class FlinkEnvironment {

  /** Where the embedded runtime's web UI and REST API listen. */
  record WebUi(String address, int port) {

    /**
     * The REST API still listens (it cannot be turned off): on a port of the system's choosing, on
     * loopback.
     */
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
      throw new IllegalStateException(
          "no free port for the web UI on "
              + address
              + " from "
              + firstPort
              + " to "
              + (firstPort + 20)
              + " (--web-ui-port)");
    }

    String url() {
      return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
  }

  private FlinkEnvironment() {}

  /**
   * Whether a job runs here, on an embedded runtime, rather than on the cluster it was submitted
   * to.
   */
  static boolean embedded() {
    return StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
  }

  /**
   * Where a job keeps its checkpoints (retained when it is cancelled or killed, so the next start
   * can resume) and, if not null, the checkpoint or savepoint it resumes from.
   */
  record State(Path checkpoints, Path resumeFrom) {}

  /**
   * How a failed job restarts from its last checkpoint: after a delay that doubles from 1 s to a
   * minute, up to {@code attempts} failures in a row; {@code resetAfter} without a failure starts
   * the count and the delay afresh, so an outage of any length is ridden out while a job that keeps
   * failing stops.
   */
  record Restarts(int attempts, Duration resetAfter) {}

  /**
   * How often a checkpoint starts, and how long it may take before it counts as failed. Failed
   * checkpoints never fail the job: while a sink waits out an outage no checkpoint completes, and
   * the job must go on waiting rather than restart into the same outage; the next checkpoint after
   * it completes.
   */
  record Checkpoints(Duration every, Duration timeout) {
    static Checkpoints every(Duration every) {
      return new Checkpoints(every, CheckpointingOptions.CHECKPOINTING_TIMEOUT.defaultValue());
    }
  }

  /**
   * Submitted with {@code flink run}, the cluster's environment; otherwise an embedded runtime
   * whose web UI and REST API listen on {@code webUi} only, without jar upload or cancel from the
   * web UI: whoever reaches the REST API can run code as this user.
   *
   * @param state durable checkpoints and what to resume from; null on a cluster, whose own
   *     configuration decides (or to keep checkpoints in memory)
   * @param restarts how a failed job restarts, or null for not at all
   */
  static StreamExecutionEnvironment create(
      WebUi webUi, int parallelism, Checkpoints checkpoints, State state, Restarts restarts) {
    Configuration conf = new Configuration();
    conf.set(
        PipelineOptions.GENERIC_TYPES,
        false); // every type has a Flink or Avro serializer, never Kryo
    if (restarts != null) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
          Duration.ofSeconds(1));
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
          Duration.ofMinutes(1));
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
          restarts.resetAfter());
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, restarts.attempts());
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    if (state != null) {
      // The heap backend: the state is small (minute and hour buckets per series, ids of a day);
      // checkpoints go to files that outlive the process.
      conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpoints().toUri().toString());
      conf.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
      conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
      if (state.resumeFrom() != null) {
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, state.resumeFrom().toUri().toString());
      }
    }
    conf.set(RestOptions.ADDRESS, webUi.address());
    conf.set(RestOptions.BIND_ADDRESS, webUi.address());
    conf.set(RestOptions.BIND_PORT, String.valueOf(webUi.port()));
    conf.set(WebOptions.SUBMIT_ENABLE, false);
    conf.set(WebOptions.CANCEL_ENABLE, false);
    conf.set(WebOptions.RESCALE_ENABLE, false);
    conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpoints.timeout());
    conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpoints.every().toMillis());
    return env;
  }

  /**
   * A bounded run's environment (replay, evaluate): its checkpoints commit output files on the way
   * and are never resumed, so on an embedded runtime they go to a scratch folder deleted at exit;
   * in the JobManager's memory (5 MB at most) a county of a hundred districts failed.
   */
  static StreamExecutionEnvironment bounded(int parallelism) {
    State scratch = null;
    if (embedded()) {
      try {
        Path folder = Files.createTempDirectory("demand-monitor-checkpoints");
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> FileUtils.deleteDirectoryQuietly(folder.toFile())));
        scratch = new State(folder, null);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create a folder for checkpoints under " + System.getProperty("java.io.tmpdir"),
            e);
      }
    }
    StreamExecutionEnvironment env =
        create(WebUi.NONE, parallelism, Checkpoints.every(Duration.ofSeconds(30)), scratch, null);
    env.getConfig()
        .enableObjectReuse(); // no operator keeps or changes its input: chained records need no
    // copies
    return env;
  }

  /**
   * The newest complete checkpoint or savepoint under {@code dir} ({@code checkpoints/JOB/chk-N} or
   * {@code savepoints/savepoint-...}; {@code _metadata} is written last, so its folder is
   * complete).
   */
  static Optional<Path> newestSnapshot(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files =
        Files.find(dir, 4, (path, attributes) -> path.endsWith("_metadata"))) {
      return files.max(Comparator.comparing(FlinkEnvironment::modified)).map(Path::getParent);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0); // deleted meanwhile: Flink drops old checkpoints
    }
  }
}
