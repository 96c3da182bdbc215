package io.demandmonitor.cli;

import picocli.CommandLine.Option;

/** Options of every command that runs Flink jobs. */
public final class FlinkOptions {

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;
}
