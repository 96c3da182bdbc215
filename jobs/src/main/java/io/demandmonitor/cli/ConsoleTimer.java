package io.demandmonitor.cli;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The thread that prints a command's progress while its job runs. */
final class ConsoleTimer {

  private ConsoleTimer() {}

  /** A daemon thread, so a command that fails does not wait for it. */
  static ScheduledExecutorService create(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
