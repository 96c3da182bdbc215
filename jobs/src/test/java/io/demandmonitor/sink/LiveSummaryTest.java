package io.demandmonitor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingValue;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console board against what a store that overwrites by window end (InfluxDB, the files) holds
 * after the same values: at every refresh, each service and horizon shows the value of its newest
 * window, final or provisional.
 */
class LiveSummaryTest {

  private static final long MINUTE = 60_000;
  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  private final LiveSummary board = new LiveSummary();

  @Test
  void atEveryRefreshTheBoardShowsTheNewestValueOfEachWindowFinalOrProvisional() {
    long now = System.currentTimeMillis();
    long openEnd = (now / MINUTE + 1) * MINUTE; // live: the open window ends after now
    long hourEnd = (now / (60 * MINUTE) + 1) * 60 * MINUTE;
    List<RollingValue> written =
        new ArrayList<>(
            List.of(
                value("PT1H", openEnd - 2 * MINUTE, 10, false),
                value(
                    "PT1H",
                    openEnd - MINUTE,
                    1,
                    true), // the first provisional value of a window...
                value("PT1H", openEnd - MINUTE, 11, true), // ...grows as events arrive...
                value("PT1H", openEnd - MINUTE, 12, false), // ...and the final value replaces it
                value("PT1H", openEnd, 3, true),
                value("PT1H", openEnd, 55, true),
                value("PT168H", hourEnd - 60 * MINUTE, 500, false),
                value("PT168H", hourEnd, 520, true),
                value(
                    "PT1H",
                    openEnd - 30 * MINUTE,
                    9,
                    false), // a late correction of an older window
                value("PT168H", hourEnd, 530, true)));

    Map<String, RollingValue> store = new HashMap<>(); // what a store shows for the newest window
    for (RollingValue v : written) {
      board.recordDemand(v);
      store.merge(v.horizon, v, (old, fresh) -> fresh.windowEnd >= old.windowEnd ? fresh : old);
      for (String horizon : List.of("PT1H", "PT168H")) {
        assertThat(board.latest("care-referrals", horizon))
            .as("%s after %s", horizon, v)
            .isEqualTo(store.containsKey(horizon) ? store.get(horizon).count : -1);
      }
    }
  }

  @Test
  void finalValuesOfWindowsAfterNowAreTheEndOfABoundedRunAndSkipped() {
    long past = (System.currentTimeMillis() / MINUTE - 5) * MINUTE;
    board.recordDemand(value("PT1H", past, 7, false));
    board.recordDemand(value("PT1H", past + 24 * 60 * MINUTE, 0, false));
    assertThat(board.latest("care-referrals", "PT1H")).isEqualTo(7);
  }

  @Test
  void theHeaderShowsTheWatermarkNotTheNewestWindowAndTheWallClock() {
    ReferenceData reference = ReferenceData.load(ConfigFiles.directory(TestConfig.CONFIG_DIR));
    long watermark = Instant.parse("2026-11-29T14:50:00Z").toEpochMilli();
    board.recordDemand(
        value("PT1H", Instant.parse("2026-11-30T14:50:00Z").toEpochMilli(), 4, true));
    assertThat(board.render(reference, LONDON, null))
        .startsWith("County demand, nothing complete yet\n");

    board.recordWatermark(watermark);
    board.recordWatermark(watermark - 60 * MINUTE); // from another input: never backwards
    board.recordWatermark(Long.MAX_VALUE); // the end of input
    String rendered = board.render(reference, LONDON, Instant.parse("2026-11-30T17:05:12Z"));

    assertThat(rendered)
        .startsWith("County demand, complete up to Sun 29 Nov 14:50 (event time), at 17:05:12\n")
        .contains("  Adult care referrals             4\n");
  }

  /** The columns are the configured horizons (as the county totals bring them), shortest first. */
  @Test
  void theBoardHasAColumnPerHorizonOfTheConfigShortestFirst() {
    ReferenceData reference = ReferenceData.load(ConfigFiles.directory(TestConfig.CONFIG_DIR));
    long past = (System.currentTimeMillis() / MINUTE - 5) * MINUTE;
    for (String horizon : new String[] {"PT168H", "PT15M", "PT2H", "PT24H"}) {
      board.recordDemand(value(horizon, past, 3, false));
    }
    assertThat(board.render(reference, LONDON, null))
        .contains("  service                     15 min   2 hours  24 hours    7 days\n")
        .contains("  Adult care referrals             3         3         3         3\n");
  }

  @Test
  void whileCatchingUpOneLineSaysHowFar() {
    board.recordWatermark(Instant.parse("2026-11-18T14:04:00Z").toEpochMilli());
    assertThat(board.catchingUp(LONDON))
        .isEqualTo(
            "Catching up: demand complete up to Wed 18 Nov 14:04 (event time), 0 events counted\n");
  }

  private static RollingValue value(
      String horizon, long windowEnd, long count, boolean provisional) {
    return new RollingValue(
        "care-referrals", "COUNTY", "", horizon, windowEnd, count, 0, 0, provisional);
  }
}
