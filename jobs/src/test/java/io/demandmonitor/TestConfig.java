package io.demandmonitor;

import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.ingest.SourceWatermarks;
import io.demandmonitor.simulate.SimulationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** The repo's real configuration, and editable copies of it for tests of bad configuration. */
public final class TestConfig {

  private TestConfig() {}

  public static final Path CONFIG_DIR = Path.of(System.getProperty("config.dir", "../config"));

  public static ConfigFiles files() {
    return ConfigFiles.directory(CONFIG_DIR);
  }

  public static ReferenceData reference() {
    return ReferenceData.load(files());
  }

  public static io.demandmonitor.demand.WindowSettings windows() {
    return io.demandmonitor.demand.WindowSettings.load(files());
  }

  public static io.demandmonitor.pipeline.PipelineSettings pipeline() {
    return io.demandmonitor.pipeline.PipelineSettings.defaults(reference(), windows(), alerts());
  }

  public static io.demandmonitor.alerting.AlertRules alerts() {
    return io.demandmonitor.alerting.AlertRules.load(files(), reference(), windows());
  }

  /**
   * Event time of Kafka sources for tests on fixed historic dates: 2 minutes of out-of-orderness,
   * and a silent partition only marked idle after 5 s (live runs follow the clock instead, which
   * would move such a test's event time to today).
   */
  public static SourceWatermarks historicEventTime() {
    return new SourceWatermarks(
        Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofMinutes(5), null);
  }

  public static SimulationConfig simulation() {
    return SimulationConfig.load(files(), reference());
  }

  /** The configured simulation with every service's daily volume multiplied by {@code factor}. */
  public static SimulationConfig simulationWithVolumeTimes(double factor) {
    SimulationConfig config = simulation();
    java.util.Map<String, SimulationConfig.ServiceProfile> scaled = new java.util.HashMap<>();
    config
        .services()
        .forEach(
            (id, p) ->
                scaled.put(
                    id,
                    new SimulationConfig.ServiceProfile(
                        p.dailyVolume() * factor,
                        p.hourOfDay(),
                        p.dayOfWeek(),
                        p.schoolHolidayFactor(),
                        p.categories(),
                        p.attributes(),
                        p.meanWaitSeconds(),
                        p.meanHandledSeconds(),
                        p.positivity(),
                        p.voidRate())));
    return new SimulationConfig(
        config.seed(),
        config.slot(),
        config.timeZone(),
        scaled,
        config.imperfections(),
        config.scenarios(),
        config.defaultScenarios());
  }

  /**
   * A Flink environment as the jobs run (no Kryo, parallelism 2) on the test's MiniCluster, with no
   * restarts unless {@code conf} sets a restart strategy: a failure fails the test, never loops.
   */
  public static org.apache.flink.streaming.api.environment.StreamExecutionEnvironment flink(
      org.apache.flink.configuration.Configuration conf) {
    conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
    if (!conf.contains(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY)) {
      conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    var env =
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            .getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  /** A condition a test waits for; may throw (a query, say). */
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Waits up to 90 s for {@code condition}; on timeout fails with {@code what} and {@code
   * diagnosis}.
   */
  public static void waitFor(
      String what, Condition condition, java.util.function.Supplier<String> diagnosis)
      throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; " + diagnosis.get());
      }
      Thread.sleep(100);
    }
  }

  /** Replaces every {@code find} in {@code dir/file} by {@code replace}; fails if there is none. */
  public static void edit(Path dir, String file, String find, String replace) {
    rewrite(dir.resolve(file), find, text -> text.replace(find, replace));
  }

  /**
   * A copy of the config folder in {@code dir} with {@code find} replaced by {@code replace} in
   * {@code file}.
   */
  public static Path copyWith(Path dir, String file, String find, String replace) {
    try (Stream<Path> files = Files.list(CONFIG_DIR)) {
      Files.createDirectories(dir);
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rewrite(
        dir.resolve(file),
        find,
        text ->
            text.replaceFirst(
                java.util.regex.Pattern.quote(find),
                java.util.regex.Matcher.quoteReplacement(replace)));
    return dir;
  }

  private static void rewrite(
      Path target, String find, java.util.function.UnaryOperator<String> change) {
    try {
      String text = Files.readString(target);
      if (!text.contains(find)) {
        throw new IllegalArgumentException(target.getFileName() + " does not contain " + find);
      }
      Files.writeString(target, change.apply(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
