package io.demandmonitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.TestConfig;
import io.demandmonitor.simulate.SimulationConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceDataTest {

  @TempDir Path dir;

  @Test
  void loadsTheCountysReferenceData() {
    ReferenceData reference = TestConfig.reference();
    assertThat(reference.districts()).hasSize(10);
    assertThat(reference.countyPopulation()).isBetween(1_150_000L, 1_250_000L);
    assertThat(reference.district("WELWYN_HATFIELD").name()).isEqualTo("Welwyn Hatfield");
    assertThat(reference.services())
        .extracting(Service::id)
        .containsExactly(
            "care-referrals", "safeguarding-contacts", "helpline-calls", "testing-events");
    assertThat(reference.sites()).hasSizeBetween(60, 70);
    assertThat(reference.sites())
        .allSatisfy(s -> assertThat(reference.district(s.district())).isNotNull());
  }

  @Test
  void theJarCarriesTheSameDefaults() {
    assertThat(ReferenceData.load(ConfigFiles.packaged()).districts())
        .isEqualTo(TestConfig.reference().districts());
  }

  @Test
  void schoolHolidaysAreWeekdaysOutsideTerms() {
    ReferenceData reference = TestConfig.reference();
    assertThat(reference.isSchoolHoliday(LocalDate.parse("2026-03-10"))).isFalse(); // spring term
    assertThat(reference.isSchoolHoliday(LocalDate.parse("2026-08-12"))).isTrue(); // summer holiday
    assertThat(reference.isSchoolHoliday(LocalDate.parse("2030-08-12")))
        .isFalse(); // beyond the calendar
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "districts.yaml|population: 90000|population: -5| line 24: districts[6].population: must be a positive number of residents (got -5)",
        "districts.yaml|code: WATFORD|code: watford| line 28: districts[8].code: must be an upper-case code like WELWYN_HATFIELD (got 'watford')",
        "districts.yaml|code: WATFORD|code: STEVENAGE| line 28: districts[8].code: is listed twice (got 'STEVENAGE')",
        "districts.yaml|population: 99000|populaton: 99000|: districts[0].populaton: is not a known key (known: [code, name, population])",
        "districts.yaml|population: 99000|population: lots| line 6: districts[0].population: Cannot deserialize value of type `int` from String \"lots\"",
        "sites.yaml|district: BROXBOURNE|district: NARNIA| line 6: sites[0].district: is not a district code from districts.yaml (got 'NARNIA')",
        "sites.yaml|closes: '20:00'|closes: '07:00'| line 8: sites[0].opens: opening time must be before closing time (got '08:00-07:00')",
        "services.yaml|topic: helpline-calls|topic: care-referrals| line 16: services[2].topic: is already the topic of another service (got 'care-referrals')",
        "services.yaml|category-field: topic|category-field: subject_line|: services[2].category-field: 'subject_line' is not a field of HelplineCall",
        "term-calendar.yaml|end: 2025-10-24|end: 2025-08-01| line 4: terms[0].end: must not be before start 2025-09-03 (got 2025-08-01)",
        "simulation.yaml|daily-volume: 300|daily-volume: -300| line 30: services.helpline-calls.daily-volume: must not be negative (got -300.0)",
        "simulation.yaml|day-of-week: [1.2, 1.1, 1.1, 1.1, 1.05, 0.3, 0.25]|day-of-week: [1.2, 1.1]| line 14: services.care-referrals.day-of-week: must have exactly 7 weights (got '2 values')",
        "simulation.yaml|districts: [STEVENAGE]|districts: [STEVNAGE]| line 63: scenarios.stevenage-safeguarding-surge.districts: is not a district code in districts.yaml (got 'STEVNAGE')",
        "simulation.yaml|duplicate-rate: 0.01|duplicate-rate: 1.5| line 54: imperfections.duplicate-rate: must be a rate between 0 and 1 (got 1.5)",
        "simulation.yaml|slot: 5s|slot: 7s| line 5: slot: must be whole seconds that divide a minute (e.g. 5s) (got PT7S)",
        "simulation.yaml|ramp: 30m|ramp: soon| line 65: scenarios.stevenage-safeguarding-surge.ramp: 'soon' is not a duration",
      })
  void aBadFileIsReportedWithFileKeyAndValue(
      String file, String find, String replace, String expected) {
    Path config = TestConfig.copyWith(dir, file, find, replace);
    assertThatThrownBy(() -> loadEverything(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(config.resolve(file) + expected);
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> ReferenceData.load(ConfigFiles.directory(dir)))
        .hasMessage(dir.resolve("districts.yaml") + ": file not found");
  }

  private static void loadEverything(Path config) {
    ConfigFiles files = ConfigFiles.directory(config);
    ReferenceData reference = ReferenceData.load(files);
    io.demandmonitor.ingest.Feed.checkServices(reference);
    SimulationConfig.load(files, reference);
  }
}
