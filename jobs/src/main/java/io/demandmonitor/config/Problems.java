package io.demandmonitor.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Collects every problem in one file, so a user fixes them all in one pass. */
public final class Problems {

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private final String file;
  private final java.util.Map<String, Integer> lines;
  private final List<String> found = new ArrayList<>();

  /**
   * @param lines the line of each key in the file, as {@link ConfigFiles#keyLines} finds them
   */
  public Problems(String file, java.util.Map<String, Integer> lines) {
    this.file = file;
    this.lines = lines;
  }

  /** Records that {@code key} holds {@code value}, which {@code problem}. */
  public void add(String key, Object value, String problem) {
    found.add(file + line(key) + ": " + key + ": " + problem + " (got " + describe(value) + ")");
  }

  /** " line N" of the key, or of the nearest enclosing key that is in the file; "" if none is. */
  private String line(String key) {
    for (String k = key;
        !k.isEmpty();
        k = k.substring(0, Math.max(0, Math.max(k.lastIndexOf('.'), k.lastIndexOf('['))))) {
      Integer line = lines.get(k);
      if (line != null) {
        return " line " + line;
      }
    }
    return "";
  }

  /** Checks a condition, recording a problem when it does not hold. */
  public void require(boolean ok, String key, Object value, String problem) {
    if (!ok) {
      add(key, value, problem);
    }
  }

  /**
   * Records a problem unless {@code value} is a printable name: it becomes a tag in InfluxDB's line
   * protocol and a line on the console, where a newline or other control character splits a point.
   */
  public void requireName(String key, String value) {
    require(value != null && !value.isBlank(), key, value, "must not be empty");
    require(
        value == null || !CONTROL.matcher(value).find(),
        key,
        value,
        "must not hold control characters such as a newline or tab");
  }

  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new ConfigException(found);
    }
  }

  /** The value on one line: control characters shown as escapes. */
  private static String describe(Object value) {
    String text =
        value == null
            ? "nothing"
            : value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return CONTROL
        .matcher(text)
        .replaceAll(
            m -> {
              char c = m.group().charAt(0);
              return Matcher.quoteReplacement(
                  c == '\n'
                      ? "\\n"
                      : c == '\t' ? "\\t" : c == '\r' ? "\\r" : String.format("\\u%04x", (int) c));
            });
  }
}
