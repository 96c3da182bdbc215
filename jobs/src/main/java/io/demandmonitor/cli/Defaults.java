package io.demandmonitor.cli;

import java.time.Duration;

/** Defaults that more than one command uses: option defaults of one, fixed values of another. */
final class Defaults {

  /** The folder the commands write their files under. */
  static final String OUT = "out";

  /** How far out of event-time order records may arrive before they count as late. */
  static final String OUT_OF_ORDERNESS = "2m";

  /** A silent Kafka partition stops holding back event time after this long. */
  static final String IDLENESS = "1m";

  /** Live, event time follows the clock once every Kafka partition has been silent this long. */
  static final String FOLLOW_CLOCK_AFTER = "1m";

  static final String DEAD_LETTER_TOPIC = "demand-dead-letters";

  private Defaults() {}

  /** One of the durations above, as the option parses it. */
  static Duration duration(String value) {
    return new DurationConverter().convert(value);
  }
}
