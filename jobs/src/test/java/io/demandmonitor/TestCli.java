package io.demandmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.cli.DemandMonitorCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/** The command line as a user runs it, in-process, and the files it writes. */
public final class TestCli {

  private TestCli() {}

  /**
   * Runs a command; fails the test unless it exits with 0. Returns what it printed (out, then err).
   */
  public static String ok(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DemandMonitorCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(args)).as(String.join(" ", args) + "\n" + out + err).isZero();
    return out.toString() + err;
  }

  /**
   * Every line of the committed files in an output folder (Flink's in-progress files are hidden).
   */
  public static List<String> lines(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .flatMap(
              f -> {
                try {
                  return Files.readAllLines(f).stream();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
