package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.schema.AlertState;
import org.junit.jupiter.api.Test;

/** The episode state machine on values arriving as a catching-up job sends them. */
class EpisodeTest {

  private static final long MIN = 60_000L;
  private static final double[] LEVELS = {5, 8, 12};
  private static final Episode.Timing POLICY = new Episode.Timing(10 * MIN, 0.75, 30 * MIN);

  /**
   * Catching up at full speed, a provisional value runs far ahead of the finals (the default demo
   * missed its own Stevenage surge this way): a provisional value that changes nothing must not
   * make the finals behind it ignored.
   */
  @Test
  void finalsBehindAProvisionalValueThatChangedNothingStillRaise() {
    Episode episode = new Episode();
    assertThat(episode.assess(60 * MIN, 3, LEVELS, true, true, POLICY, "s"))
        .isNull(); // provisional, far ahead
    Episode.Change raised = null;
    for (long t = 5; t <= 55 && raised == null; t++) {
      raised = episode.assess(t * MIN, 6, LEVELS, true, false, POLICY, "s");
    }
    assertThat(raised).isEqualTo(new Episode.Change(AlertState.RAISED, 2));
    assertThat(episode.start).as("raised once held for the minimum duration").isEqualTo(15 * MIN);
  }

  @Test
  void aFinalOfAWindowBeforeTheLastChangeChangesNothing() {
    Episode zeroHold = new Episode();
    Episode.Timing now = new Episode.Timing(0, 0.75, 30 * MIN);
    assertThat(zeroHold.assess(21 * MIN, 5, LEVELS, true, true, now, "s"))
        .isEqualTo(new Episode.Change(AlertState.RAISED, 2));
    assertThat(zeroHold.assess(20 * MIN, 4, LEVELS, true, false, now, "s"))
        .as("older than the raise")
        .isNull();
    assertThat(zeroHold.level).isEqualTo(2);
  }
}
