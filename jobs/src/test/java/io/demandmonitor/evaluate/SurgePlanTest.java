package io.demandmonitor.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ConfigException;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.simulate.Surge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an evaluation's surges go, and the validation of evaluation.yaml. */
class SurgePlanTest {

  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Instant FROM = Instant.parse("2025-09-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-03-01T00:00:00Z");

  @TempDir Path dir;

  private static EvaluationConfig shipped() {
    return EvaluationConfig.load(TestConfig.files(), EvaluationConfig.FILE, TestConfig.reference());
  }

  @Test
  void
      theShippedClassesArePlacedInsideThePeriodWithoutOverlapOnAServiceAndTheSameSeedGivesTheSamePlan() {
    EvaluationConfig config = shipped();
    ReferenceData reference = TestConfig.reference();
    List<SurgePlan.Placed> plan = SurgePlan.place(config, reference, LONDON, 1, FROM, TO);

    assertThat(plan)
        .hasSize(
            config.classes().values().stream().mapToInt(EvaluationConfig.SurgeClass::count).sum());
    assertThat(SurgePlan.place(config, reference, LONDON, 1, FROM, TO)).isEqualTo(plan);
    assertThat(SurgePlan.place(config, reference, LONDON, 2, FROM, TO)).isNotEqualTo(plan);
    for (SurgePlan.Placed p : plan) {
      assertThat(p.surge().start()).isAfterOrEqualTo(FROM);
      assertThat(p.surge().end()).isBeforeOrEqualTo(TO);
      assertThat(p.detectUntil()).isBeforeOrEqualTo(TO);
      for (SurgePlan.Placed q : plan) {
        if (p != q && p.service().equals(q.service())) {
          boolean apart =
              !p.detectFrom().isBefore(later(q).plus(config.gap()))
                  || !q.detectFrom().isBefore(later(p).plus(config.gap()));
          assertThat(apart).as(p + " and " + q).isTrue();
        }
      }
    }
    assertThat(plan.stream().map(SurgePlan.Placed::service).distinct()).hasSize(4);
  }

  @Test
  void consecutiveSeedsPlaceTheirSurgesIndependently() {
    EvaluationConfig config = shipped();
    ReferenceData reference = TestConfig.reference();
    for (long seed = 1; seed <= 3; seed++) {
      List<String> a =
          SurgePlan.place(config, reference, LONDON, seed, FROM, TO).stream()
              .map(p -> p.service() + " " + p.surge().districts() + " " + p.surge().start())
              .toList();
      List<String> b =
          SurgePlan.place(config, reference, LONDON, seed + 1, FROM, TO).stream()
              .map(p -> p.service() + " " + p.surge().districts() + " " + p.surge().start())
              .toList();
      assertThat(a).as("seeds %d and %d", seed, seed + 1).doesNotContainAnyElementsOf(b);
    }
  }

  @Test
  void eachClassHasItsShapeAreaAndTimeOfDay() {
    List<SurgePlan.Placed> plan =
        SurgePlan.place(shipped(), TestConfig.reference(), LONDON, 7, FROM, TO);
    for (SurgePlan.Placed p : plan) {
      Surge s = p.surge();
      switch (p.surgeClass()) {
        case "night" -> {
          assertThat(s.start().atZone(LONDON).toLocalTime()).isEqualTo(LocalTime.of(22, 0));
          assertThat(Duration.between(s.start(), s.end()))
              .as("to 06:00 (05:00 or 07:00 across a clock change)")
              .isEqualTo(Duration.ofHours(8));
          assertThat(s.size()).isEqualTo(3.0);
        }
        case "county-wide" -> assertThat(s.districts()).containsExactly(Surge.ALL);
        case "sharp" -> {
          assertThat(s.districts()).hasSize(1).doesNotContain(Surge.ALL);
          assertThat(s.size()).isBetween(2.0, 3.0);
          assertThat(s.hold()).isBetween(Duration.ofHours(2), Duration.ofHours(4));
          assertThat(p.detectUntil()).isEqualTo(s.peakEnd().plus(Duration.ofHours(2)));
        }
        case "gradual" -> {
          assertThat(s.ramp()).isBetween(Duration.ofDays(2), Duration.ofDays(4));
          assertThat(p.detectUntil()).isEqualTo(s.peakStart().plus(Duration.ofHours(24)));
        }
        default -> {}
      }
    }
  }

  @Test
  void tooManySurgesForThePeriodIsAnErrorNotAnEndlessSearch() {
    EvaluationConfig crowded = shipped().only(List.of("gradual"), 40);
    assertThatThrownBy(
            () ->
                SurgePlan.place(
                    crowded,
                    TestConfig.reference(),
                    LONDON,
                    1,
                    FROM,
                    FROM.plus(Duration.ofDays(30))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot place 40 'gradual' surges");
  }

  @Test
  void badEvaluationSettingsAreNamedWithFileLineKeyAndValue() throws IOException {
    Path config =
        TestConfig.copyWith(
            Files.createDirectories(dir.resolve("config")),
            "evaluation.yaml",
            "area: county",
            "area: region");
    TestConfig.edit(config, "evaluation.yaml", "size: [2.0, 3.0]", "size: [3.0, 2.0]");
    TestConfig.edit(config, "evaluation.yaml", "start-at: \"22:00\"", "start-at: \"late\"");
    TestConfig.edit(config, "evaluation.yaml", "hold: [1d, 1d]", "hold: [0m, 1d]");
    assertThatThrownBy(
            () ->
                EvaluationConfig.load(
                    ConfigFiles.directory(config), EvaluationConfig.FILE, TestConfig.reference()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .hasSize(4)
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains(
                                    "evaluation.yaml line", "classes.county-wide.area", "'region'"))
                    .anySatisfy(p -> assertThat(p).contains("classes.sharp.size", "[3.0, 2.0]"))
                    .anySatisfy(p -> assertThat(p).contains("classes.night.start-at", "'late'"))
                    .anySatisfy(p -> assertThat(p).contains("classes.gradual.hold")));
  }

  @Test
  void anUnknownKeyOrServiceIsRefused() throws IOException {
    Path config =
        TestConfig.copyWith(
            Files.createDirectories(dir.resolve("config")),
            "evaluation.yaml",
            "  sharp:\n",
            "  sharp:\n    services: [parking-fines]\n");
    assertThatThrownBy(
            () ->
                EvaluationConfig.load(
                    ConfigFiles.directory(config), EvaluationConfig.FILE, TestConfig.reference()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("classes.sharp.services")
        .hasMessageContaining("'parking-fines'");
    TestConfig.edit(config, "evaluation.yaml", "grace: 2h", "grace: 2h\nsurge-count: 3");
    assertThatThrownBy(
            () ->
                EvaluationConfig.load(
                    ConfigFiles.directory(config), EvaluationConfig.FILE, TestConfig.reference()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("surge-count")
        .hasMessageContaining("is not a known key");
  }

  @Test
  void checkConfigValidatesEvaluationYamlToo() throws IOException {
    Path config =
        TestConfig.copyWith(
            Files.createDirectories(dir.resolve("config")),
            "evaluation.yaml",
            "area: county",
            "area: region");
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = io.demandmonitor.cli.DemandMonitorCli.commandLine();
    cli.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    cli.setErr(new java.io.PrintWriter(err));
    assertThat(cli.execute("check-config", "--config-dir", config.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("evaluation.yaml line", "classes.county-wide.area", "'region'");
  }

  private static Instant later(SurgePlan.Placed p) {
    return p.surge().end().isAfter(p.detectUntil()) ? p.surge().end() : p.detectUntil();
  }
}
