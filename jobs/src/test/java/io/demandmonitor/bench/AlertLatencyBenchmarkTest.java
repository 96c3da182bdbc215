package io.demandmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.demandmonitor.TestConfig;
import io.demandmonitor.alerting.AlertRules;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AlertLatencyBenchmarkTest {

  @Test
  void probesClimbTheShippedRatesPerHundredThousandAsCounts() {
    // Safeguarding contacts: levels [6, 9, 13] per 100,000 an hour; Stevenage has 90,000 residents.
    double[] levels =
        AlertLatencyBenchmark.countThresholds(
            TestConfig.reference(), TestConfig.alerts(), "safeguarding-contacts", "STEVENAGE");
    assertThat(levels).containsExactly(new double[] {5.4, 8.1, 11.7}, within(1e-9));
  }

  @Test
  void measuresThePipelineNotTheConfiguredHold() {
    // The shipped thresholds hold a level 10 min before raising it: with that hold the benchmark
    // timed the end of its input (30 alerts, p50 55 s), not the pipeline.
    AlertRules shipped = TestConfig.alerts();
    assertThat(shipped.policy(shipped.thresholds().get(0).policy()).minDuration())
        .isEqualTo(Duration.ofMinutes(10));

    AlertRules rules = AlertLatencyBenchmark.withoutMinimumDuration(shipped);

    assertThat(rules.thresholds()).hasSameSizeAs(shipped.thresholds());
    for (int i = 0; i < rules.thresholds().size(); i++) {
      AlertRules.Policy policy = rules.policy(rules.thresholds().get(i).policy());
      AlertRules.Policy before = shipped.policy(shipped.thresholds().get(i).policy());
      assertThat(policy.minDuration()).isZero();
      assertThat(policy.clearBelow()).isEqualTo(before.clearBelow());
      assertThat(policy.coolDown()).isEqualTo(before.coolDown());
      assertThat(rules.thresholds().get(i).levels())
          .isEqualTo(shipped.thresholds().get(i).levels());
    }
    assertThat(rules.baselines()).isEqualTo(shipped.baselines());
  }
}
