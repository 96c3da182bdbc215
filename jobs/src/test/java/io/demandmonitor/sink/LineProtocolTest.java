package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.demand.MinuteCount;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

  private final LineProtocol lineProtocol = new LineProtocol(TestConfig.reference());

  @Test
  void districtNamesWithSpacesAreEscapedAndTheTimestampIsTheWindowEnd() {
    assertThat(lineProtocol.demandLine(new MinuteCount("helpline-calls", "WELWYN_HATFIELD", 1_772_445_660_000L, 6)))
        .isEqualTo("demand,district=Welwyn\\ Hatfield,horizon=PT1M,service=helpline-calls count=6i,rate_per_100k=5.0 "
            + "1772445660000");
    assertThat(lineProtocol.demandLine(new MinuteCount("testing-events", "ST_ALBANS", 60_000L, 74)))
        .startsWith("demand,district=St\\ Albans,horizon=PT1M,service=testing-events count=74i,rate_per_100k=50.0 ");
  }
}
