package io.demandmonitor.evaluate;

import io.demandmonitor.config.District;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.evaluate.EvaluationConfig.SurgeClass;
import io.demandmonitor.simulate.Surge;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where and when the surges of an evaluation go: for each class its {@code count} surges at random
 * (seeded) times in the scored period, on random services and districts, so that surges of one
 * service never overlap (nor come within the configured gap of each other) and every surge, with
 * its detection window, lies inside the period. The same seed gives the same plan.
 */
public final class SurgePlan {

  /** Attempts to place one surge before the period is declared too full. */
  private static final int ATTEMPTS = 5_000;

  /**
   * One injected surge.
   *
   * @param detectFrom the surge's start
   * @param detectUntil the end of the time within which an alert detects it
   */
  public record Placed(
      String id, String surgeClass, Surge surge, Instant detectFrom, Instant detectUntil) {

    public String service() {
      return surge.service();
    }

    /**
     * Whether an alert of {@code area} (a district code or COUNTY) is in an area this surge
     * touches.
     */
    public boolean touches(String area) {
      return Scoring.COUNTY.equals(area)
          || surge.districts().contains(Surge.ALL)
          || surge.districts().contains(area);
    }
  }

  private SurgePlan() {}

  /**
   * @param from start of the scored period; @param to its end
   * @throws IllegalArgumentException if the surges do not fit in the period
   */
  public static List<Placed> place(
      EvaluationConfig config,
      ReferenceData reference,
      ZoneId zone,
      long seed,
      Instant from,
      Instant to) {
    SplittableRandom random = new SplittableRandom(mix(seed ^ 0x5EED5EED5EEDL));
    List<String> districts = reference.districts().stream().map(District::code).toList();
    List<String> allServices = reference.services().stream().map(Service::id).toList();
    // The longest surges first: they are the hardest to fit between the others.
    List<Map.Entry<String, SurgeClass>> classes = new ArrayList<>(config.classes().entrySet());
    classes.sort(
        Comparator.comparing(
                (Map.Entry<String, SurgeClass> e) ->
                    e.getValue().ramp().get(1).multipliedBy(2).plus(e.getValue().hold().get(1)))
            .reversed());
    List<Placed> placed = new ArrayList<>();
    for (Map.Entry<String, SurgeClass> entry : classes) {
      String name = entry.getKey();
      SurgeClass c = entry.getValue();
      List<String> services = c.services() != null ? c.services() : allServices;
      for (int n = 0; n < c.count(); n++) {
        Placed surge = null;
        for (int attempt = 0; attempt < ATTEMPTS && surge == null; attempt++) {
          Placed candidate =
              draw(name, n, c, config.grace(), random, services, districts, zone, from, to);
          if (candidate != null && fits(candidate, placed, config.gap())) {
            surge = candidate;
          }
        }
        if (surge == null) {
          throw new IllegalArgumentException(
              "cannot place "
                  + c.count()
                  + " '"
                  + name
                  + "' surges between "
                  + from
                  + " and "
                  + to
                  + " without overlapping the others of their service: give a longer period, "
                  + "fewer surges (--count) or a shorter gap");
        }
        placed.add(surge);
      }
    }
    placed.sort(Comparator.comparing((Placed p) -> p.surge().start()).thenComparing(Placed::id));
    return placed;
  }

  private static Placed draw(
      String name,
      int n,
      SurgeClass c,
      Duration grace,
      SplittableRandom random,
      List<String> services,
      List<String> districts,
      ZoneId zone,
      Instant from,
      Instant to) {
    String service = services.get(random.nextInt(services.size()));
    List<String> area =
        c.countyWide()
            ? List.of(Surge.ALL)
            : List.of(districts.get(random.nextInt(districts.size())));
    Duration ramp = durationIn(random, c.ramp());
    Duration hold = durationIn(random, c.hold());
    double size = between(random, c.size());
    double extra = between(random, c.extraPerHour());
    Duration footprint = ramp.multipliedBy(2).plus(hold);
    Duration detection = c.detectionSpan(ramp, hold, grace);
    Duration span = footprint.compareTo(detection) > 0 ? footprint : detection;
    long room = Duration.between(from, to).minus(span).toMinutes();
    if (room < 0) {
      return null;
    }
    Instant start = from.plus(Duration.ofMinutes(random.nextLong(room + 1)));
    LocalTime at = c.startTime();
    if (at != null) { // that time of the day drawn, or of the next day
      LocalDate day = start.atZone(zone).toLocalDate();
      Instant same = day.atTime(at).atZone(zone).toInstant();
      start = same.isBefore(start) ? day.plusDays(1).atTime(at).atZone(zone).toInstant() : same;
      if (start.plus(span).isAfter(to)) {
        return null;
      }
    }
    String id = name + "-" + (n + 1);
    Surge surge = new Surge(id, service, area, start, ramp, hold, round(size, 2), round(extra, 1));
    return new Placed(id, name, surge, start, start.plus(detection));
  }

  /**
   * Whether {@code candidate} keeps {@code gap} from every placed surge of its service (surge and
   * detection window).
   */
  private static boolean fits(Placed candidate, List<Placed> placed, Duration gap) {
    Instant start = candidate.surge().start();
    Instant end = last(candidate);
    for (Placed other : placed) {
      if (other.service().equals(candidate.service())
          && start.isBefore(last(other).plus(gap))
          && other.surge().start().isBefore(end.plus(gap))) {
        return false;
      }
    }
    return true;
  }

  private static Instant last(Placed p) {
    return p.surge().end().isAfter(p.detectUntil()) ? p.surge().end() : p.detectUntil();
  }

  private static Duration durationIn(SplittableRandom random, List<Duration> range) {
    long min = range.get(0).toMinutes();
    long max = range.get(1).toMinutes();
    return Duration.ofMinutes(max > min ? min + random.nextLong(max - min + 1) : min);
  }

  private static double between(SplittableRandom random, List<Double> range) {
    double min = range.get(0);
    double max = range.get(1);
    return max > min ? min + random.nextDouble() * (max - min) : min;
  }

  /**
   * A well-mixed seed (murmur3's finaliser). SplittableRandom's own sequence steps by a fixed
   * gamma, so seeds that differ by a multiple of it (seed x gamma, say) give shifted copies of one
   * sequence: seeds 1 and 2 placed most surges alike.
   */
  static long mix(long seed) {
    long h = seed;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
