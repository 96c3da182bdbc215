package io.demandmonitor.cli;

import io.demandmonitor.config.ConfigException;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.simulate.DemandSimulator;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.Surge;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that read configuration and drive the simulator. */
public final class SimulationOptions {

  @Mixin ConfigOptions configDir;

  @Option(
      names = "--seed",
      description = "Simulator seed (default: seed in simulation.yaml). Same seed, same stream.")
  Long seed;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      split = ",",
      description =
          "Surge scenarios to inject, by name from simulation.yaml (default: its default-scenarios; "
              + "'none' for none).")
  List<String> scenarios;

  @Option(
      names = "--clean",
      description = "Simulate perfect feeds: no late, duplicate or malformed records.")
  boolean clean;

  ConfigFiles files() {
    return configDir.files();
  }

  ReferenceData reference() {
    return ReferenceData.load(files());
  }

  SimulationConfig simulation(ReferenceData reference) {
    SimulationConfig config = SimulationConfig.load(files(), reference);
    if (seed != null) {
      config = config.withSeed(seed);
    }
    return clean ? config.withImperfections(SimulationConfig.Imperfections.NONE) : config;
  }

  DemandSimulator simulator(ReferenceData reference, SimulationConfig config, Instant now) {
    List<String> names = scenarios == null ? config.defaultScenarios() : scenarios;
    List<Surge> surges =
        names == null
            ? List.of()
            : names.stream()
                .filter(name -> !name.equals("none"))
                .map(
                    name -> {
                      var scenario =
                          config.scenarios() == null ? null : config.scenarios().get(name);
                      if (scenario == null) {
                        throw new ConfigException(
                            "--scenario: '"
                                + name
                                + "' is not a scenario in "
                                + files().describe(SimulationConfig.FILE)
                                + " (known: "
                                + (config.scenarios() == null
                                    ? "none"
                                    : config.scenarios().keySet())
                                + ")");
                      }
                      return Surge.of(name, scenario, now);
                    })
                .toList();
    return new DemandSimulator(reference, config, surges);
  }
}
