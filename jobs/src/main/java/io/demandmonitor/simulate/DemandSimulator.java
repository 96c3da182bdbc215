package io.demandmonitor.simulate;

import io.demandmonitor.config.ConfigException;
import io.demandmonitor.config.District;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.config.Site;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.schema.CareReferral;
import io.demandmonitor.schema.Channel;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.schema.SafeguardingContact;
import io.demandmonitor.schema.SubjectType;
import io.demandmonitor.schema.TestResult;
import io.demandmonitor.schema.TestType;
import io.demandmonitor.schema.TestingEvent;
import io.demandmonitor.schema.Urgency;
import io.demandmonitor.simulate.SimulationConfig.Imperfections;
import io.demandmonitor.simulate.SimulationConfig.ServiceProfile;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A seeded generator of realistic demand on the four front doors.
 *
 * <p>Time is cut into slots (5 s by default). The events of a slot depend only on the seed, the
 * slot's absolute number and the configuration, so any range of time can be generated independently
 * and the same seed always gives the same stream. In each slot and service the county's expected
 * count is the daily volume shaped by hour of day, day of week and school holidays, shared between
 * districts by population and multiplied by any surge; the count is a Poisson draw. Imperfections
 * (late, out-of-order, duplicate and malformed records) are drawn from a separate random stream, so
 * they change how events arrive, never which events happen.
 */
public final class DemandSimulator implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final long HOUR = 3_600_000L;

  /** An invalid record's "future" event time: a device clock years out. */
  private static final Duration FUTURE_SKEW = Duration.ofDays(3650);

  private static final String UNKNOWN_DISTRICT = "ATLANTIS";

  private final SimulationConfig config;
  private final Imperfections imperfections;
  private final List<Surge> surges;
  private final long slotMillis;
  private final ZoneId zone;
  private final ServiceModel[] models;
  private final String[] districtCodes;
  private final double[] districtShare;
  private final ReferenceData reference;

  public DemandSimulator(ReferenceData reference, SimulationConfig config, List<Surge> surges) {
    Feed.checkServices(reference);
    this.reference = reference;
    this.config = config;
    this.imperfections = config.imperfections();
    this.surges = List.copyOf(surges);
    this.slotMillis = config.slot().toMillis();
    this.zone = ZoneId.of(config.timeZone());
    List<District> districts = reference.districts();
    this.districtCodes = districts.stream().map(District::code).toArray(String[]::new);
    this.districtShare =
        districts.stream()
            .mapToDouble(d -> (double) d.population() / reference.countyPopulation())
            .toArray();
    List<Service> services = reference.services();
    this.models = new ServiceModel[services.size()];
    for (int i = 0; i < models.length; i++) {
      models[i] =
          new ServiceModel(
              i, services.get(i), config.services().get(services.get(i).id()), reference);
    }
  }

  public long slotMillis() {
    return slotMillis;
  }

  /** The absolute number of the slot holding {@code t}. */
  public long slotOf(Instant t) {
    return Math.floorDiv(t.toEpochMilli(), slotMillis);
  }

  public List<Surge> surges() {
    return surges;
  }

  /** Every record that arrives during slot {@code slot}, in arrival order. */
  public List<RawRecord> slot(long slot) {
    List<RawRecord> out = new ArrayList<>();
    long slotStart = slot * slotMillis;
    long mid = slotStart + slotMillis / 2;
    double[] lambda = new double[districtCodes.length];
    for (ServiceModel model : models) {
      double countyPerSlot = model.expectedPerHour(mid, zone, reference) * slotMillis / HOUR;
      double total = 0;
      for (int d = 0; d < lambda.length; d++) {
        total +=
            districtShare[d]
                    * countyPerSlot
                    * surgeFactor(model.service.id(), districtCodes[d], mid)
                + surgeExtraPerHour(model.service.id(), districtCodes[d], mid) * slotMillis / HOUR;
        lambda[d] = total; // cumulative, for picking a district
      }
      SplittableRandom rng = new SplittableRandom(mix(config.seed(), slot, model.index, 0));
      SplittableRandom arrival = new SplittableRandom(mix(config.seed(), slot, model.index, 1));
      int n = poisson(rng, total);
      for (int k = 0; k < n; k++) {
        String district = districtCodes[WeightedChoice.pickIndex(rng, lambda)];
        long eventTime = slotStart + rng.nextLong(slotMillis);
        SpecificRecordBase record =
            model.event(
                rng,
                district,
                eventTime,
                surgeFactor(model.service.id(), district, eventTime),
                zone,
                reference);
        arrive(
            model.service,
            record,
            slot * 1_000_000L + 2L * k,
            slotStart + slotMillis - 1,
            arrival,
            out);
      }
    }
    return out;
  }

  /**
   * The model's mean demand per hour at {@code t}, for one district (or the county when district is
   * null).
   */
  public double expectedPerHour(String serviceId, String district, Instant t) {
    ServiceModel model =
        Arrays.stream(models)
            .filter(m -> m.service.id().equals(serviceId))
            .findFirst()
            .orElseThrow();
    double county = model.expectedPerHour(t.toEpochMilli(), zone, reference);
    if (district == null) {
      double sum = 0;
      for (int d = 0; d < districtCodes.length; d++) {
        sum +=
            districtShare[d] * county * surgeFactor(serviceId, districtCodes[d], t.toEpochMilli())
                + surgeExtraPerHour(serviceId, districtCodes[d], t.toEpochMilli());
      }
      return sum;
    }
    int d = Arrays.asList(districtCodes).indexOf(district);
    return districtShare[d] * county * surgeFactor(serviceId, district, t.toEpochMilli())
        + surgeExtraPerHour(serviceId, district, t.toEpochMilli());
  }

  private double surgeExtraPerHour(String service, String district, long t) {
    return surges.stream().mapToDouble(s -> s.extraPerHour(service, district, t)).sum();
  }

  private double surgeFactor(String service, String district, long t) {
    double factor = 1;
    for (Surge surge : surges) {
      factor *= surge.factor(service, district, t);
    }
    return factor;
  }

  /** How the record reaches the front door: on time, out of order, late, twice, or broken. */
  private void arrive(
      Service service,
      SpecificRecordBase record,
      long offset,
      long arrivalTime,
      SplittableRandom rng,
      List<RawRecord> out) {
    long eventTime = ((Instant) record.get("eventTime")).toEpochMilli();
    long timestamp = eventTime;
    byte[] bytes;
    if (rng.nextDouble() < imperfections.malformedRate()) {
      switch (rng.nextInt(3)) {
        case 0 -> bytes = feed(service).encode(withField(record, "district", UNKNOWN_DISTRICT));
        case 1 -> {
          timestamp = arrivalTime; // the producer's clock is right, the event's is not
          bytes =
              feed(service)
                  .encode(
                      withField(
                          record,
                          "eventTime",
                          Instant.ofEpochMilli(arrivalTime).plus(FUTURE_SKEW)));
        }
        default -> {
          byte[] whole = feed(service).encode(record);
          bytes = Arrays.copyOf(whole, whole.length / 2); // cut off in transit
        }
      }
    } else {
      double u = rng.nextDouble();
      long delay = 0;
      if (u < imperfections.lateRate()) {
        long min = Duration.ofMinutes(10).toMillis();
        delay = min + rng.nextLong(Math.max(1, imperfections.lateMaxDelay().toMillis() - min));
      } else if (u < imperfections.lateRate() + imperfections.outOfOrderRate()) {
        delay = rng.nextLong(imperfections.outOfOrderMaxDelay().toMillis() + 1);
      }
      // Arriving now, it happened earlier: the event time moves back by the delay.
      timestamp = eventTime - delay;
      bytes = feed(service).encode(withField(record, "eventTime", Instant.ofEpochMilli(timestamp)));
    }
    byte[] key = String.valueOf(record.get("district")).getBytes(StandardCharsets.UTF_8);
    out.add(new RawRecord(service.topic(), 0, offset, timestamp, key, bytes));
    if (rng.nextDouble() < imperfections.duplicateRate()) {
      out.add(
          new RawRecord(service.topic(), 0, offset + 1, timestamp, key, bytes)); // a producer retry
    }
  }

  private static Feed feed(Service service) {
    return Feed.forService(service.id());
  }

  private static SpecificRecordBase withField(
      SpecificRecordBase record, String field, Object value) {
    record.put(field, value);
    return record;
  }

  /** Poisson draw: Knuth's method for small means, a normal approximation for large ones. */
  public static int poisson(SplittableRandom rng, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      double gaussian =
          Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
      return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian));
    }
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      n++;
    }
    return n;
  }

  private static long mix(long seed, long slot, int service, int stream) {
    long h =
        seed * 0x9E3779B97F4A7C15L
            ^ slot * 0xC2B2AE3D27D4EB4FL
            ^ (service + 1L) * 0x165667B19E3779F9L
            ^ stream;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  /** One service's shape of demand and the distributions of its event fields. */
  private static final class ServiceModel implements Serializable {
    final int index;
    final Service service;
    final Feed feed;
    final ServiceProfile profile;
    final double[] hourShare;
    final double[] dayFactor;
    final WeightedChoice categories;
    final Map<String, WeightedChoice> attributes = new java.util.HashMap<>();
    final Map<String, List<Site>> sitesByDistrict = new java.util.HashMap<>();

    ServiceModel(int index, Service service, ServiceProfile profile, ReferenceData reference) {
      this.index = index;
      this.service = service;
      this.feed = Feed.forService(service.id());
      this.profile = profile;
      this.hourShare = scaled(profile.hourOfDay(), 1.0 / Arrays.stream(profile.hourOfDay()).sum());
      this.dayFactor = scaled(profile.dayOfWeek(), 7.0 / Arrays.stream(profile.dayOfWeek()).sum());
      this.categories = new WeightedChoice(profile.categories());
      Map<String, Map<String, Double>> given =
          profile.attributes() == null ? Map.of() : profile.attributes();
      for (String name : requiredAttributes(feed)) {
        Map<String, Double> weights = given.get(name);
        if (weights == null || weights.isEmpty()) {
          throw new ConfigException(
              SimulationConfig.FILE
                  + ": services."
                  + service.id()
                  + ".attributes."
                  + name
                  + ": is missing: give the weights of its values");
        }
        attributes.put(name, new WeightedChoice(weights));
      }
      reference
          .sites()
          .forEach(
              s -> sitesByDistrict.computeIfAbsent(s.district(), d -> new ArrayList<>()).add(s));
    }

    private static List<String> requiredAttributes(Feed feed) {
      return switch (feed) {
        case CARE_REFERRALS -> List.of("referralSource", "urgency");
        case SAFEGUARDING_CONTACTS -> List.of("contactSource", "subject");
        case HELPLINE_CALLS -> List.of("channel");
        case TESTING_EVENTS -> List.of();
      };
    }

    private static double[] scaled(double[] weights, double by) {
      return Arrays.stream(weights).map(w -> w * by).toArray();
    }

    double expectedPerHour(long t, ZoneId zone, ReferenceData reference) {
      ZonedDateTime local = Instant.ofEpochMilli(t).atZone(zone);
      double holiday =
          isWeekday(local.getDayOfWeek()) && reference.isSchoolHoliday(local.toLocalDate())
              ? profile.schoolHolidayFactor()
              : 1.0;
      return profile.dailyVolume()
          * hourShare[local.getHour()]
          * dayFactor[local.getDayOfWeek().ordinal()]
          * holiday;
    }

    SpecificRecordBase event(
        SplittableRandom rng,
        String district,
        long t,
        double pressure,
        ZoneId zone,
        ReferenceData reference) {
      String id = new UUID(rng.nextLong(), rng.nextLong()).toString();
      Instant time = Instant.ofEpochMilli(t);
      String category = categories.pick(rng);
      return switch (feed) {
        case CARE_REFERRALS ->
            new CareReferral(
                id,
                time,
                district,
                attributes.get("referralSource").pick(rng),
                category,
                Urgency.valueOf(attributes.get("urgency").pick(rng)));
        case SAFEGUARDING_CONTACTS ->
            new SafeguardingContact(
                id,
                time,
                district,
                attributes.get("contactSource").pick(rng),
                category,
                SubjectType.valueOf(attributes.get("subject").pick(rng)));
        case HELPLINE_CALLS -> {
          int wait = (int) exponential(rng, orDefault(profile.meanWaitSeconds(), 90) * pressure);
          boolean abandoned = rng.nextDouble() < wait / (wait + 600.0);
          int handled =
              abandoned
                  ? 0
                  : 30 + (int) exponential(rng, orDefault(profile.meanHandledSeconds(), 500));
          yield new HelplineCall(
              id,
              time,
              district,
              Channel.valueOf(attributes.get("channel").pick(rng)),
              category,
              wait,
              handled,
              abandoned);
        }
        case TESTING_EVENTS -> {
          TestType type = TestType.valueOf(category);
          Site site = type == TestType.LFD_HOME ? null : openSite(rng, district, time.atZone(zone));
          if (site == null) {
            type = TestType.LFD_HOME; // no site open: the test is a home kit
          }
          double r = rng.nextDouble();
          double voidRate = orDefault(profile.voidRate(), 0.01);
          double positivity =
              Math.min(0.5, orDefault(profile.positivity(), 0.05) * Math.sqrt(pressure));
          TestResult result =
              r < voidRate
                  ? TestResult.VOID
                  : r < voidRate + positivity ? TestResult.POSITIVE : TestResult.NEGATIVE;
          yield new TestingEvent(id, time, district, site == null ? null : site.id(), type, result);
        }
      };
    }

    private Site openSite(SplittableRandom rng, String district, ZonedDateTime local) {
      LocalTime clock = local.toLocalTime();
      List<Site> open =
          sitesByDistrict.getOrDefault(district, List.of()).stream()
              .filter(s -> !clock.isBefore(s.opens()) && clock.isBefore(s.closes()))
              .filter(s -> !s.weekdaysOnly() || isWeekday(local.getDayOfWeek()))
              .toList();
      return open.isEmpty() ? null : open.get(rng.nextInt(open.size()));
    }

    private static boolean isWeekday(DayOfWeek day) {
      return day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY;
    }

    private static double exponential(SplittableRandom rng, double mean) {
      return -mean * Math.log(1 - rng.nextDouble());
    }

    private static double orDefault(Double value, double fallback) {
      return value == null ? fallback : value;
    }
  }
}
