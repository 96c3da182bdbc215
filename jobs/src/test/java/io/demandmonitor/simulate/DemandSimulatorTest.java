package io.demandmonitor.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.demandmonitor.TestConfig;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Site;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.InvalidRecordException;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.schema.TestingEvent;
import io.demandmonitor.simulate.SimulationConfig.Imperfections;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's statistics against its configuration, over simulated weeks and months. */
class DemandSimulatorTest {

  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  /** Four full term-time weeks (spring term 2026), Monday to Sunday. */
  private static final Instant TERM_START = Instant.parse("2026-03-02T00:00:00Z");

  private static final Instant TERM_END = Instant.parse("2026-03-30T00:00:00Z");

  private static ReferenceData reference;
  private static SimulationConfig config;
  private static List<Decoded> cleanTermMonth;

  record Decoded(String topic, SpecificRecordBase record) {
    Instant time() {
      return (Instant) record.get("eventTime");
    }

    String district() {
      return (String) record.get("district");
    }
  }

  @BeforeAll
  static void simulateAMonth() {
    reference = TestConfig.reference();
    config = TestConfig.simulation().withImperfections(Imperfections.NONE);
    cleanTermMonth =
        decode(new DemandSimulator(reference, config, List.of()), TERM_START, TERM_END);
  }

  @Test
  void sameSeedSameStreamAndAnotherSeedAnother() {
    DemandSimulator a = new DemandSimulator(reference, TestConfig.simulation(), List.of());
    DemandSimulator b = new DemandSimulator(reference, TestConfig.simulation(), List.of());
    DemandSimulator other =
        new DemandSimulator(reference, TestConfig.simulation().withSeed(7), List.of());
    long first = a.slotOf(TERM_START.plus(Duration.ofHours(10)));
    List<String> fromA = new ArrayList<>();
    List<String> fromB = new ArrayList<>();
    List<String> fromOther = new ArrayList<>();
    for (long slot = first + 720;
        slot >= first;
        slot--) { // generated in another order: slots are independent
      fromA.addAll(0, a.slot(slot).stream().map(DemandSimulatorTest::fingerprint).toList());
    }
    for (long slot = first; slot <= first + 720; slot++) {
      b.slot(slot).forEach(r -> fromB.add(fingerprint(r)));
      other.slot(slot).forEach(r -> fromOther.add(fingerprint(r)));
    }
    assertThat(fromA).hasSizeGreaterThan(50).isEqualTo(fromB);
    assertThat(fromOther).isNotEqualTo(fromA);
  }

  @Test
  void dailyVolumesAreWithinTenPercentOfTheConfiguredRates() {
    for (var service : reference.services()) {
      long events = cleanTermMonth.stream().filter(d -> d.topic().equals(service.topic())).count();
      double perDay = events / 28.0;
      assertThat(perDay)
          .as(service.id() + " events per day")
          .isCloseTo(
              config.services().get(service.id()).dailyVolume(),
              offset(0.10 * config.services().get(service.id()).dailyVolume()));
    }
  }

  @Test
  void weekdaysAreBusierThanWeekendsAsConfigured() {
    double[] weights = config.services().get("helpline-calls").dayOfWeek();
    double expected =
        (Arrays.stream(weights, 0, 5).sum() / 5) / (Arrays.stream(weights, 5, 7).sum() / 2);
    long weekday = count("helpline-calls", d -> d.getDayOfWeek().getValue() <= 5);
    long weekend = count("helpline-calls", d -> d.getDayOfWeek().getValue() > 5);
    double ratio = (weekday / 5.0) / (weekend / 2.0);
    assertThat(ratio).isCloseTo(expected, offset(0.15 * expected));
  }

  @Test
  void hourOfDayFollowsTheConfiguredShape() {
    double[] weights = config.services().get("helpline-calls").hourOfDay();
    double total = Arrays.stream(weights).sum();
    long all = count("helpline-calls", t -> true);
    for (int hour = 0; hour < 24; hour++) {
      int h = hour;
      double share = (double) count("helpline-calls", t -> t.getHour() == h) / all;
      assertThat(share)
          .as("share of helpline calls at %02d:00", hour)
          .isCloseTo(weights[hour] / total, offset(0.01));
    }
    double officeHours =
        (double) count("helpline-calls", t -> t.getHour() >= 9 && t.getHour() < 17) / all;
    assertThat(officeHours).isGreaterThan(0.6);
  }

  @Test
  void districtsShareDemandByPopulation() {
    Map<String, Long> byDistrict = new HashMap<>();
    cleanTermMonth.forEach(d -> byDistrict.merge(d.district(), 1L, Long::sum));
    long all = cleanTermMonth.size();
    for (var district : reference.districts()) {
      assertThat((double) byDistrict.get(district.code()) / all)
          .as(district.code())
          .isCloseTo((double) district.population() / reference.countyPopulation(), offset(0.01));
    }
  }

  @Test
  void siteTestsHappenOnlyWhenTheirSiteIsOpen() {
    List<TestingEvent> atSites =
        cleanTermMonth.stream()
            .map(Decoded::record)
            .filter(r -> r instanceof TestingEvent t && t.getSiteId() != null)
            .map(r -> (TestingEvent) r)
            .toList();
    assertThat(atSites).hasSizeGreaterThan(5000);
    for (TestingEvent test : atSites) {
      Site site = reference.site(test.getSiteId());
      ZonedDateTime local = test.getEventTime().atZone(LONDON);
      LocalTime clock = local.toLocalTime();
      assertThat(site.district()).isEqualTo(test.getDistrict());
      assertThat(!clock.isBefore(site.opens()) && clock.isBefore(site.closes()))
          .as("%s at %s", site.id(), local)
          .isTrue();
      if (site.weekdaysOnly()) {
        assertThat(local.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
      }
    }
  }

  @Test
  void safeguardingFallsInSchoolHolidaysAsConfigured() {
    // Weekdays of the summer holiday against weekdays of the spring term, same four-week span.
    DemandSimulator simulator = new DemandSimulator(reference, config, List.of());
    Instant august = Instant.parse("2026-08-03T00:00:00Z");
    long holidayWeekdays =
        decode(simulator, august, august.plus(Duration.ofDays(28))).stream()
            .filter(d -> d.topic().equals("safeguarding-contacts") && isWeekday(d.time()))
            .count();
    long termWeekdays =
        cleanTermMonth.stream()
            .filter(d -> d.topic().equals("safeguarding-contacts") && isWeekday(d.time()))
            .count();
    double factor = config.services().get("safeguarding-contacts").schoolHolidayFactor();
    assertThat((double) holidayWeekdays / termWeekdays).isCloseTo(factor, offset(0.08));
  }

  @Test
  void anInjectedSurgeShowsAtTheRightTimeAndSize() {
    // The Stevenage safeguarding surge (x4 for 2 h after a 30 min ramp), injected on each of 20
    // weekdays
    // at 10:00 so that its size can be measured; the same seed without the surge is the baseline.
    List<Surge> surges = new ArrayList<>();
    List<Instant> starts = new ArrayList<>();
    for (int day = 0; day < 28; day++) {
      Instant start = TERM_START.plus(Duration.ofDays(day)).plus(Duration.ofHours(10));
      if (isWeekday(start)) {
        starts.add(start);
        surges.add(
            new Surge(
                "s" + day,
                "safeguarding-contacts",
                List.of("STEVENAGE"),
                start,
                Duration.ofMinutes(30),
                Duration.ofHours(2),
                4.0,
                0));
      }
    }
    List<Decoded> surged =
        decode(new DemandSimulator(reference, config, surges), TERM_START, TERM_END);

    long baseline =
        stevenageSafeguarding(
            cleanTermMonth, starts, Duration.ofMinutes(30), Duration.ofMinutes(150));
    long during =
        stevenageSafeguarding(surged, starts, Duration.ofMinutes(30), Duration.ofMinutes(150));
    assertThat(baseline).isGreaterThan(30);
    assertThat((double) during / baseline).isBetween(3.2, 4.8);

    // Before the first surge starts the two streams are the same, event for event.
    Instant first = starts.get(0);
    assertThat(
            surged.stream()
                .filter(d -> d.time().isBefore(first))
                .map(d -> d.record().toString())
                .toList())
        .isEqualTo(
            cleanTermMonth.stream()
                .filter(d -> d.time().isBefore(first))
                .map(d -> d.record().toString())
                .toList());
    // Other services are untouched.
    assertThat(surged.stream().filter(d -> d.topic().equals("helpline-calls")).count())
        .isEqualTo(cleanTermMonth.stream().filter(d -> d.topic().equals("helpline-calls")).count());
  }

  @Test
  void imperfectionsArriveAtTheConfiguredRatesWithoutChangingWhichEventsHappen() {
    Imperfections rates = TestConfig.simulation().imperfections();
    DemandSimulator imperfect = new DemandSimulator(reference, TestConfig.simulation(), List.of());
    Set<String> seenIds = new HashSet<>();
    Set<String> seenBytes = new HashSet<>();
    int records = 0;
    int duplicates = 0;
    int undecodable = 0;
    int invalid = 0;
    int shifted = 0;
    Set<String> validIds = new HashSet<>();
    for (long slot = imperfect.slotOf(TERM_START); slot < imperfect.slotOf(TERM_END); slot++) {
      for (RawRecord raw : imperfect.slot(slot)) {
        records++;
        if (!seenBytes.add(raw.source + Arrays.toString(raw.value))) {
          duplicates++;
          continue;
        }
        try {
          SpecificRecordBase record =
              Feed.forService(reference.serviceForTopic(raw.source).id()).decode(raw.value);
          Instant time = (Instant) record.get("eventTime");
          if (reference.district((String) record.get("district")) == null
              || time.isAfter(Instant.now())) {
            invalid++;
            continue;
          }
          if (time.toEpochMilli() < slot * imperfect.slotMillis()) {
            shifted++;
          }
          seenIds.add((String) record.get("eventId"));
          validIds.add((String) record.get("eventId"));
        } catch (InvalidRecordException e) {
          undecodable++;
        }
      }
    }
    int unique = records - duplicates;
    assertThat((double) duplicates / unique).isCloseTo(rates.duplicateRate(), offset(0.003));
    assertThat((double) (undecodable + invalid) / unique)
        .isCloseTo(rates.malformedRate(), offset(0.001));
    assertThat(undecodable).isPositive();
    assertThat(invalid).isPositive();
    // Shifted back past their slot: all late ones and most out-of-order ones.
    assertThat((double) shifted / unique)
        .isBetween(rates.lateRate(), rates.lateRate() + rates.outOfOrderRate());

    // Every valid event of the imperfect stream happens in the clean stream too.
    Set<String> cleanIds = new HashSet<>();
    cleanTermMonth.forEach(d -> cleanIds.add((String) d.record().get("eventId")));
    assertThat(cleanIds).containsAll(validIds);
    assertThat(cleanIds.size() - validIds.size()).isEqualTo(undecodable + invalid);
  }

  private static long stevenageSafeguarding(
      List<Decoded> events, List<Instant> starts, Duration from, Duration to) {
    return events.stream()
        .filter(d -> d.topic().equals("safeguarding-contacts") && d.district().equals("STEVENAGE"))
        .filter(
            d ->
                starts.stream()
                    .anyMatch(
                        s -> !d.time().isBefore(s.plus(from)) && d.time().isBefore(s.plus(to))))
        .count();
  }

  private static long count(String topic, java.util.function.Predicate<ZonedDateTime> when) {
    return cleanTermMonth.stream()
        .filter(d -> d.topic().equals(topic) && when.test(d.time().atZone(LONDON)))
        .count();
  }

  private static boolean isWeekday(Instant t) {
    return t.atZone(LONDON).getDayOfWeek().getValue() <= 5;
  }

  private static List<Decoded> decode(DemandSimulator simulator, Instant from, Instant to) {
    List<Decoded> out = new ArrayList<>();
    for (long slot = simulator.slotOf(from); slot < simulator.slotOf(to); slot++) {
      for (RawRecord raw : simulator.slot(slot)) {
        try {
          out.add(
              new Decoded(
                  raw.source,
                  Feed.forService(reference.serviceForTopic(raw.source).id()).decode(raw.value)));
        } catch (InvalidRecordException e) {
          throw new AssertionError("a clean stream has no malformed records", e);
        }
      }
    }
    return out;
  }

  private static String fingerprint(RawRecord r) {
    return r.source + "/" + r.offset + "/" + r.timestamp + "/" + Arrays.hashCode(r.value);
  }
}
