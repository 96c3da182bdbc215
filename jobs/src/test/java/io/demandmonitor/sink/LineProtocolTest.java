package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.demand.RollingValue;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

  private final LineProtocol lineProtocol = new LineProtocol(TestConfig.reference(), "live");

  @Test
  void districtNamesWithSpacesAreEscapedAndTheTimestampIsTheWindowEnd() {
    assertThat(
            lines(
                new RollingValue(
                    "safeguarding-contacts",
                    "WELWYN_HATFIELD",
                    "",
                    "PT1H",
                    1_772_445_660_000L,
                    6,
                    0,
                    0,
                    false)))
        .containsExactly(
            "demand,district=Welwyn\\ Hatfield,horizon=PT1H,run=live,service=safeguarding-contacts "
                + "count=6i,provisional=false,rate_per_100k=5.0 1772445660000");
    assertThat(
            lines(
                new RollingValue(
                    "safeguarding-contacts", "ST_ALBANS", "", "PT15M", 60_000L, 74, 0, 0, true)))
        .containsExactly(
            "demand,district=St\\ Albans,horizon=PT15M,run=live,service=safeguarding-contacts "
                + "count=74i,provisional=true,rate_per_100k=50.0 60000");
  }

  @Test
  void countyRatesUseTheCountyPopulationAndServiceMeasuresAreRatios() {
    List<String> helpline =
        lines(
            new RollingValue(
                "helpline-calls", "COUNTY", "", "PT24H", 60_000L, 200, 30, 18_000, false));
    assertThat(helpline).hasSize(2);
    assertThat(helpline.get(0))
        .startsWith(
            "demand,district=County,horizon=PT24H,run=live,service=helpline-calls count=200i");
    assertThat(helpline.get(1))
        .isEqualTo(
            "service_measures,district=County,horizon=PT24H,run=live,service=helpline-calls "
                + "abandoned_rate=0.15,mean_wait_seconds=90.0,provisional=false 60000");
    assertThat(
            lines(
                    new RollingValue(
                        "testing-events", "COUNTY", "", "PT1H", 60_000L, 110, 5, 10, false))
                .get(1))
        .contains("positivity=0.05");
  }

  @Test
  void categorySeriesGoToTheirOwnMeasurementAndEmptyWindowsHaveNoRatios() {
    assertThat(
            lines(
                new RollingValue(
                    "testing-events", "DACORUM", "PCR", "PT1H", 60_000L, 3, 0, 0, false)))
        .containsExactly(
            "demand_by_category,category=PCR,district=Dacorum,horizon=PT1H,run=live,service=testing-events "
                + "count=3i,provisional=false 60000");
    assertThat(
            lines(
                new RollingValue("helpline-calls", "DACORUM", "", "PT1H", 60_000L, 0, 0, 0, false)))
        .hasSize(1);
  }

  private List<String> lines(RollingValue v) {
    return lineProtocol.points(v).stream().map(p -> p.lineProtocol(TimeUnit.MILLISECONDS)).toList();
  }
}
