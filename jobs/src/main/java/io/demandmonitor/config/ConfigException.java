package io.demandmonitor.config;

import java.util.List;

/** A configuration file is missing or invalid. The message names the file, key and bad value. */
public class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(
        problems.size() == 1
            ? problems.get(0)
            : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
