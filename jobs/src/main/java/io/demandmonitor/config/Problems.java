package io.demandmonitor.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem in one file, so a user fixes them all in one pass. */
public final class Problems {

  private final String file;
  private final List<String> found = new ArrayList<>();

  public Problems(String file) {
    this.file = file;
  }

  /** Records that {@code key} holds {@code value}, which {@code problem}. */
  public void add(String key, Object value, String problem) {
    found.add(file + ": " + key + ": " + problem + " (got " + describe(value) + ")");
  }

  /** Checks a condition, recording a problem when it does not hold. */
  public void require(boolean ok, String key, Object value, String problem) {
    if (!ok) {
      add(key, value, problem);
    }
  }

  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new ConfigException(found);
    }
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
