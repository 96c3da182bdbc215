package io.demandmonitor.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.model.Archive;
import io.demandmonitor.simulate.SimulationConfig;
import io.demandmonitor.simulate.Surge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Surges injected into an archive from its own events: the multiple where it applies, nothing
 * elsewhere.
 */
class ArchiveInjectionTest {

  private static final Instant DAY = Instant.parse("2026-03-02T00:00:00Z");

  @TempDir Path dir;

  record Event(String service, String id, String district, long time) {}

  @Test
  void demandIsMultipliedWhereTheSurgeIsAndTheExtraIsAddedWhereThereWasAlmostNone() {
    ReferenceData reference = TestConfig.reference();
    SimulationConfig clean =
        TestConfig.simulation().withImperfections(SimulationConfig.Imperfections.NONE);
    Path archive = dir.resolve("archive");
    SimulatedArchives.write(
        reference,
        clean,
        List.of(),
        DAY,
        DAY.plus(Duration.ofDays(1)),
        archive,
        dir.resolve("unused"));
    Instant eight = DAY.plus(Duration.ofHours(8));
    Surge testing =
        new Surge(
            "t",
            "testing-events",
            List.of(Surge.ALL),
            eight,
            Duration.ZERO,
            Duration.ofHours(8),
            3,
            0);
    Surge nightCare =
        new Surge(
            "c",
            "care-referrals",
            List.of("STEVENAGE"),
            DAY,
            Duration.ZERO,
            Duration.ofHours(4),
            1,
            10);
    ArchiveInjection.Written written =
        ArchiveInjection.inject(
            reference,
            archive,
            List.of(testing, nightCare),
            1,
            DAY,
            DAY.plus(Duration.ofDays(1)),
            dir.resolve("injected"));

    List<Event> before = read(reference, archive);
    List<Event> after = read(reference, dir.resolve("injected"));
    assertThat(written.original()).isEqualTo(before.size());
    assertThat(after).hasSize(before.size() + (int) written.added()).containsAll(before);
    List<Event> added = new ArrayList<>(after);
    added.removeAll(before);
    Set<String> ids = new HashSet<>();
    after.forEach(e -> assertThat(ids.add(e.id())).as("event ids stay unique").isTrue());

    long testingBefore = count(before, "testing-events", null, testing);
    long testingAfter = count(after, "testing-events", null, testing);
    assertThat(testingBefore).isGreaterThan(300);
    assertThat((double) testingAfter / testingBefore)
        .as("three times the archive's testing demand")
        .isBetween(2.8, 3.2);
    long careNight = count(added, "care-referrals", "STEVENAGE", nightCare);
    assertThat(careNight).as("about 10 an hour for 4 hours").isBetween(25L, 55L);
    assertThat(added)
        .as("nothing outside the surges")
        .allSatisfy(
            e ->
                assertThat(
                        e.service().equals("testing-events") && inside(e, testing)
                            || e.service().equals("care-referrals")
                                && e.district().equals("STEVENAGE")
                                && inside(e, nightCare))
                    .isTrue());
  }

  private static long count(List<Event> events, String service, String district, Surge surge) {
    return events.stream()
        .filter(
            e ->
                e.service().equals(service)
                    && (district == null || e.district().equals(district))
                    && inside(e, surge))
        .count();
  }

  private static boolean inside(Event e, Surge surge) {
    return e.time() >= surge.start().toEpochMilli() && e.time() < surge.end().toEpochMilli();
  }

  private static List<Event> read(ReferenceData reference, Path archive) {
    List<Event> events = new ArrayList<>();
    for (Service service : reference.services()) {
      for (LocalDate day : List.of(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 3))) {
        for (Path file : Archive.files(archive, service.topic(), day)) {
          for (SpecificRecordBase r : Archive.read(file)) {
            events.add(
                new Event(
                    service.id(),
                    String.valueOf(r.get("eventId")),
                    String.valueOf(r.get("district")),
                    ((Instant) r.get("eventTime")).toEpochMilli()));
          }
        }
      }
    }
    return events;
  }
}
