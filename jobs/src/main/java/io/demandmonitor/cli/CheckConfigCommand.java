package io.demandmonitor.cli;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.config.ConfigException;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.evaluate.EvaluationConfig;
import io.demandmonitor.simulate.SimulationConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code demand-monitor check-config}: validates every configuration file and reports every
 * problem.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Validates every configuration file (reference data, simulator, windows, alert rules, evaluation) and "
          + "reports each problem with its file, key and value (and line, for YAML and type errors). Exit code 2 "
          + "when anything is wrong; run refuses to start in that case too."
    })
public final class CheckConfigCommand implements java.util.concurrent.Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin SimulationOptions simulation;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> problems = new ArrayList<>();
    ReferenceData reference = check(problems, () -> simulation.reference());
    WindowSettings windows = check(problems, () -> WindowSettings.load(simulation.files()));
    if (reference != null) {
      check(problems, () -> SimulationConfig.load(simulation.files(), reference));
      check(
          problems,
          () -> EvaluationConfig.load(simulation.files(), EvaluationConfig.FILE, reference));
      if (windows != null) {
        check(problems, () -> AlertRules.load(simulation.files(), reference, windows));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    out.println("Configuration in " + simulation.files().describe("") + " is valid.");
    return 0;
  }

  private static <T> T check(List<String> problems, Supplier<T> load) {
    try {
      return load.get();
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return null;
    }
  }
}
