package io.demandmonitor;

import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.simulate.SimulationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    return io.demandmonitor.pipeline.PipelineSettings.defaults(reference(), windows());
  }

  public static SimulationConfig simulation() {
    return SimulationConfig.load(files(), reference());
  }

  /** The configured simulation with every service's daily volume multiplied by {@code factor}. */
  public static SimulationConfig simulationWithVolumeTimes(double factor) {
    SimulationConfig config = simulation();
    java.util.Map<String, SimulationConfig.ServiceProfile> scaled = new java.util.HashMap<>();
    config.services().forEach((id, p) -> scaled.put(id, new SimulationConfig.ServiceProfile(p.dailyVolume() * factor,
        p.hourOfDay(), p.dayOfWeek(), p.schoolHolidayFactor(), p.categories(), p.attributes(), p.meanWaitSeconds(),
        p.meanHandledSeconds(), p.positivity(), p.voidRate())));
    return new SimulationConfig(config.seed(), config.slot(), config.timeZone(), scaled, config.imperfections(),
        config.scenarios(), config.defaultScenarios());
  }

  /** A copy of the config folder in {@code dir} with {@code find} replaced by {@code replace} in {@code file}. */
  public static Path copyWith(Path dir, String file, String find, String replace) {
    try (Stream<Path> files = Files.list(CONFIG_DIR)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
      Path target = dir.resolve(file);
      String text = Files.readString(target);
      if (!text.contains(find)) {
        throw new IllegalArgumentException(file + " does not contain " + find);
      }
      Files.writeString(target, text.replaceFirst(java.util.regex.Pattern.quote(find),
          java.util.regex.Matcher.quoteReplacement(replace)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
