package io.demandmonitor.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line as people write them: 90s, 30m, 6h, 7d. */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return value.startsWith("P") ? Duration.parse(value) : TimeUtils.parseDuration(value);
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (e.g. 90s, 30m, 6h, 7d)");
    }
  }

  /** The other way, for messages: 24h, 15m. */
  static String format(Duration d) {
    if (d.toHours() >= 24
        && d.toHoursPart() == 0
        && d.toMinutesPart() == 0
        && d.toSecondsPart() == 0) {
      return d.toDays() + "d"; // 22d rather than 528h
    }
    return d.toString().substring(2).toLowerCase();
  }
}
