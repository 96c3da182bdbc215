package io.demandmonitor.cli;

import io.demandmonitor.config.ConfigFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config-dir}, for every command that reads the configuration files. */
public final class ConfigOptions {

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Folder of configuration files (default: ./config if present, else the copy in the jar).")
  Path dir;

  ConfigFiles files() {
    return dir == null ? ConfigFiles.defaults() : ConfigFiles.directory(dir);
  }
}
