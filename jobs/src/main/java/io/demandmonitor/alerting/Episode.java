package io.demandmonitor.alerting;

import io.demandmonitor.schema.AlertState;

/**
 * One rule's alert state for one series: a small state machine driven by assessments in event time.
 * It emits only changes (RAISED, ESCALATED, DE_ESCALATED, RESOLVED), keeps one id per episode, and
 * damps flapping three ways: a new level, higher or lower, must hold for the minimum duration; a
 * level holds until the value falls below a fraction of its threshold (hysteresis); and after an
 * episode resolves no new one is raised for the cool-down, and the wait to raise one starts only
 * when the cool-down ends. An episode raised on a provisional value is withdrawn (resolved) if the
 * final value of the same window does not bear it out; values of windows older than the last change
 * or the newest final value change nothing. A Flink POJO.
 */
public class Episode {

  private static final long NONE = Long.MIN_VALUE;

  public int level = 1;
  public String alertId;
  public long start = NONE;

  /** Since when the value has called for another level, waiting for the minimum duration. */
  public long pendingSince = NONE;

  /** Whether that level is above the current one (else below). */
  public boolean pendingUp;

  public long resolvedAt = NONE;

  /**
   * When the level last changed. A value of an older window (a final that lags the provisional
   * value that raised the episode, or a late correction) comes after the state has moved on: it
   * changes nothing, so no change is ever dated before the one it follows. Values older than a
   * provisional value that changed nothing still count: while a job catches up, provisional values
   * run far ahead of the finals, and ignoring the finals behind them missed whole surges.
   */
  public long lastChange = NONE;

  /**
   * Newest final window end assessed: a late correction of an older window does not move the state
   * back.
   */
  public long newestFinal = NONE;

  /** A change of state, with the level after it. */
  public record Change(AlertState state, int level) {}

  /**
   * @param time the window end assessed
   * @param value what is compared to the thresholds
   * @param thresholds the values reaching levels 2, 3 and 4
   * @param eligible false when a guard (too few events) forbids alarming on this value
   * @param policy minimum duration, hysteresis and cool-down, in milliseconds and fractions
   * @param idPrefix the alert id is this plus the episode's start time
   * @return the change, or null when the state stays as it is
   */
  public Change assess(
      long time,
      double value,
      double[] thresholds,
      boolean eligible,
      boolean provisional,
      Timing policy,
      String idPrefix) {
    if (time < lastChange || time < newestFinal) {
      return null; // an older window than the state already reflects
    }
    if (!provisional) {
      newestFinal = time;
    }
    int raise = eligible ? levelFor(value, thresholds, 1.0) : 1;
    int hold = eligible ? Math.min(level, levelFor(value, thresholds, policy.clearBelow())) : 1;
    int target = Math.max(raise, hold);
    // Raised on the provisional value of this very window, which its final value does not bear out.
    // (A final of a later window below the threshold is ordinary demand falling: hysteresis
    // applies.)
    boolean contradicted = !provisional && level > 1 && time == start && raise == 1;
    if (contradicted) {
      target = 1;
    }
    if (target == level) {
      pendingSince = NONE;
      return null;
    }
    boolean up = target > level;
    if (pendingSince == NONE || pendingUp != up) {
      pendingSince = time;
      pendingUp = up;
    } else {
      pendingSince =
          Math.min(pendingSince, time); // a final behind a provisional value: held since then
    }
    if (level == 1 && resolvedAt != NONE && time < resolvedAt + policy.coolDown()) {
      pendingSince = NONE; // the wait to raise again starts when the cool-down ends
      return null;
    }
    if (!contradicted && time - pendingSince < policy.minDuration()) {
      return null; // a new level, up or down, must hold for the minimum duration: no flapping
    }
    pendingSince = NONE;
    lastChange = time;
    int before = level;
    level = target;
    if (before == 1) {
      start = time;
      alertId = idPrefix + "/" + java.time.Instant.ofEpochMilli(time);
      return new Change(AlertState.RAISED, level);
    }
    if (up) {
      return new Change(AlertState.ESCALATED, level);
    }
    if (level == 1) {
      resolvedAt = time;
      return new Change(AlertState.RESOLVED, 1);
    }
    return new Change(AlertState.DE_ESCALATED, level);
  }

  /** Nothing to remember: no episode, nothing pending, no cool-down running at {@code time}. */
  public boolean idle(long time, Timing policy) {
    return level == 1
        && pendingSince == NONE
        && (resolvedAt == NONE || time >= resolvedAt + policy.coolDown());
  }

  /** The highest level whose threshold, times {@code fraction}, the value reaches; 1 if none. */
  static int levelFor(double value, double[] thresholds, double fraction) {
    int level = 1;
    for (int i = 0; i < thresholds.length; i++) {
      if (value >= thresholds[i] * fraction) {
        level = i + 2;
      }
    }
    return level;
  }

  /** A policy in the units the state machine works in. */
  public record Timing(long minDuration, double clearBelow, long coolDown)
      implements java.io.Serializable {

    public static Timing of(AlertRules.Policy policy) {
      return new Timing(
          policy.minDuration().toMillis(), policy.clearBelow(), policy.coolDown().toMillis());
    }
  }
}
