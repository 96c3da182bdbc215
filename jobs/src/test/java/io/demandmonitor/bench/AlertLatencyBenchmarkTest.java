package io.demandmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.demandmonitor.TestConfig;
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
}
