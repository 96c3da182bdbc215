package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.model.HealthEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthLinesTest {

  private final HealthLines health = new HealthLines("live");
  private final List<String> lines = new ArrayList<>();

  @Test
  void countsPerSourceAndTenSecondIntervalWithZerosForQuietSourcesAndIntervals() {
    health.add(
        new HealthEvent("helpline-calls", HealthEvent.ACCEPTED, "", 0, 40), 100_001, lines::add);
    health.add(
        new HealthEvent("helpline-calls", HealthEvent.DEAD_LETTER, "BAD_DISTRICT", 0, 1),
        100_002,
        lines::add);
    health.add(
        new HealthEvent("testing-events", HealthEvent.DUPLICATE, "", 0, 2), 109_999, lines::add);
    assertThat(lines).isEmpty();

    health.tick(130_500, false, lines::add);
    assertThat(lines)
        .containsExactly(
            "pipeline_health,run=live,source=helpline-calls accepted=40i,dead_letters=1i,duplicates=0i,late=0i 100000",
            "pipeline_health,run=live,source=testing-events accepted=0i,dead_letters=0i,duplicates=2i,late=0i 100000",
            "pipeline_health,run=live,source=helpline-calls accepted=0i,dead_letters=0i,duplicates=0i,late=0i 110000",
            "pipeline_health,run=live,source=testing-events accepted=0i,dead_letters=0i,duplicates=0i,late=0i 110000",
            "pipeline_health,run=live,source=helpline-calls accepted=0i,dead_letters=0i,duplicates=0i,late=0i 120000",
            "pipeline_health,run=live,source=testing-events accepted=0i,dead_letters=0i,duplicates=0i,late=0i 120000");
  }

  @Test
  void aCheckpointWritesTheOpenIntervalSoFarAndItsEndOverwritesIt() {
    health.add(new HealthEvent("care-referrals", HealthEvent.LATE, "", 0, 1), 200_000, lines::add);
    health.tick(204_000, true, lines::add);
    health.add(new HealthEvent("care-referrals", HealthEvent.LATE, "", 0, 1), 205_000, lines::add);
    health.tick(210_000, false, lines::add);
    assertThat(lines)
        .containsExactly(
            "pipeline_health,run=live,source=care-referrals accepted=0i,dead_letters=0i,duplicates=0i,late=1i 200000",
            "pipeline_health,run=live,source=care-referrals accepted=0i,dead_letters=0i,duplicates=0i,late=2i 200000");
  }
}
