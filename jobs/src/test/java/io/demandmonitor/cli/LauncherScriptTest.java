package io.demandmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./demand-monitor} launcher rebuilds the job jar when a source, schema, pom or the
 * shipped config is newer than it: after a pull it once ran the old jar against the new config and
 * failed on a key the old code did not know. Run on a copy of the repo's layout with a stand-in for
 * the Maven wrapper that only records that it was called.
 */
class LauncherScriptTest {

  private static final FileTime BUILT = FileTime.fromMillis(1_700_000_000_000L);

  @TempDir Path repo;

  @Test
  void theJarIsRebuiltOnlyWhenSomethingItIsBuiltFromIsNewer() throws Exception {
    Files.copy(Path.of("../demand-monitor"), repo.resolve("demand-monitor"));
    Path mvnw =
        Files.writeString(
            repo.resolve("mvnw"),
            "#!/usr/bin/env bash\necho built >> \"$(dirname \"$0\")/builds\"\n");
    mvnw.toFile().setExecutable(true);
    for (String file :
        new String[] {
          "pom.xml",
          "schemas/pom.xml",
          "jobs/pom.xml",
          "schemas/src/main/avro/A.avsc",
          "jobs/src/main/java/A.java",
          "config/alerts.yaml",
          "jobs/target/demand-monitor.jar"
        }) {
      Path path = repo.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, "");
      Files.setLastModifiedTime(path, FileTime.fromMillis(BUILT.toMillis() - 60_000));
    }
    Files.createDirectories(repo.resolve("jobs/target/lib"));
    Files.setLastModifiedTime(repo.resolve("jobs/target/demand-monitor.jar"), BUILT);

    launch();
    assertThat(repo.resolve("builds")).as("nothing newer than the jar: no build").doesNotExist();

    for (String changed :
        new String[] {"jobs/src/main/java/A.java", "config/alerts.yaml", "schemas/pom.xml"}) {
      Files.setLastModifiedTime(
          repo.resolve(changed), FileTime.fromMillis(BUILT.toMillis() + 60_000));
      Files.deleteIfExists(repo.resolve("builds"));
      launch();
      assertThat(repo.resolve("builds")).as(changed + " newer than the jar: a build").exists();
      Files.setLastModifiedTime(
          repo.resolve(changed), FileTime.fromMillis(BUILT.toMillis() - 60_000));
    }
  }

  /** Runs the launcher; the java it ends in fails on the empty jar, which does not matter here. */
  private void launch() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("bash", repo.resolve("demand-monitor").toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }
}
