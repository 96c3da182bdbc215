package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.junit.jupiter.api.Test;

class FlinkEnvironmentTest {

  /**
   * A replay of a hundred districts failed when its checkpoints went to the JobManager's memory (5
   * MB at most): a bounded run checkpoints to files in a scratch folder.
   */
  @Test
  void aBoundedRunCheckpointsToFilesNotToTheJobManagersMemory() {
    String checkpoints =
        FlinkEnvironment.bounded(1)
            .getConfiguration()
            .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    assertThat(checkpoints).as("checkpoint directory").isNotNull();
    assertThat(Path.of(URI.create(checkpoints))).isDirectory();
  }
}
