package io.demandmonitor.simulate;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The time line of a simulated run: back-fill from {@code backfillFrom} up to {@code now} at {@code
 * speed} times real time (0: as fast as possible), then {@code liveSlots} slots at real pace (0:
 * none, a bounded run; {@link Long#MAX_VALUE}: until stopped).
 */
public record SimulatedRun(
    Instant backfillFrom, Instant now, double speed, long liveSlots, Duration outOfOrderness)
    implements Serializable {

  public static final long UNTIL_STOPPED = Long.MAX_VALUE;
}
