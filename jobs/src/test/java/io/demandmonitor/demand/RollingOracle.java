package io.demandmonitor.demand;

import io.demandmonitor.demand.WindowSettings.Horizon;
import io.demandmonitor.ingest.DemandEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.util.ListCollector;

/** Rolling window values the slow and obvious way: count every event into every window it is in. */
public final class RollingOracle {

  private RollingOracle() {}

  /** The series contributions of demand events, as the pipeline makes them. */
  public static List<SeriesEvent> series(List<DemandEvent> events) {
    List<SeriesEvent> series = new ArrayList<>();
    ToSeries toSeries = new ToSeries();
    events.forEach(e -> toSeries.flatMap(e, new ListCollector<>(series)));
    return series;
  }

  /**
   * What differs between the final values emitted (the last one per window wins, as in a store that
   * overwrites) and the expected ones: wrong values, and non-empty windows never emitted.
   */
  public static List<String> mismatches(List<RollingValue> emitted, Map<String, long[]> expected) {
    Map<String, RollingValue> last = new HashMap<>();
    emitted.stream().filter(v -> !v.provisional).forEach(v -> last.put(v.identity(), v));
    List<String> problems = new ArrayList<>();
    last.values()
        .forEach(
            v -> {
              long[] sums = expected.getOrDefault(v.identity(), new long[3]);
              if (sums[0] != v.count || sums[1] != v.a || sums[2] != v.b) {
                problems.add(v + " expected " + Arrays.toString(sums));
              }
            });
    expected.keySet().stream()
        .filter(k -> !last.containsKey(k))
        .forEach(k -> problems.add(k + " never emitted"));
    return problems.stream().sorted().limit(20).toList();
  }

  /**
   * Expected final values by {@link RollingValue#identity()}, for non-empty windows ending at or
   * before {@code upTo}.
   */
  public static Map<String, long[]> expected(
      List<SeriesEvent> accepted, WindowSettings settings, long upTo) {
    Map<String, long[]> expected = new HashMap<>();
    for (SeriesEvent e : accepted) {
      long minute = Math.floorDiv(e.eventTime, 60_000L) * 60_000L;
      for (Horizon h : settings.horizons()) {
        if (!e.category.isEmpty() && !settings.categoryHorizons().contains(h.size())) {
          continue;
        }
        long step = h.step().toMillis();
        // The windows (t - size, t] holding the minute: t aligned to the step, minute < t <= minute
        // + size.
        for (long t = Math.floorDiv(minute, step) * step + step;
            t <= minute + h.size().toMillis() && t <= upTo;
            t += step) {
          long[] sums =
              expected.computeIfAbsent(
                  e.service + "|" + e.area + "|" + e.category + "|" + h.label() + "|" + t,
                  k -> new long[3]);
          sums[0]++;
          sums[1] += e.a;
          sums[2] += e.b;
        }
      }
    }
    return expected;
  }

  /**
   * The window ends that must be written, by {@link RollingValue#identity()}: every window holding
   * events (the keys of {@code expected}) and the one a step after each (where the count falls
   * back, to zero if nothing else is there), up to {@code upTo}; nothing else.
   *
   * @param stepOf the step of the identity's series and horizon
   */
  public static Set<String> written(
      Map<String, long[]> expected, ToLongFunction<String> stepOf, long upTo) {
    Set<String> written = new HashSet<>(expected.keySet());
    for (String id : expected.keySet()) {
      int cut = id.lastIndexOf('|');
      long next = Long.parseLong(id.substring(cut + 1)) + stepOf.applyAsLong(id);
      if (next <= upTo) {
        written.add(id.substring(0, cut + 1) + next);
      }
    }
    return written;
  }
}
