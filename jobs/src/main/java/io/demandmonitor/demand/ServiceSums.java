package io.demandmonitor.demand;

import io.demandmonitor.ingest.DemandEvent;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What a service's events carry beside their count: two sums {@code a} and {@code b} that add up
 * across events and minutes (ratios are taken at the end, never averaged), and the measures taken
 * from them. Safeguarding contacts have none.
 */
public enum ServiceSums {
  /** a: abandoned calls, b: seconds waited. */
  HELPLINE("helpline-calls", e -> e.abandoned ? 1 : 0, e -> e.waitSeconds),
  /** a: positive results, b: void results. */
  TESTING(
      "testing-events",
      e -> "POSITIVE".equals(e.outcome) ? 1 : 0,
      e -> "VOID".equals(e.outcome) ? 1 : 0),
  /** a: urgent referrals, b: immediate ones. */
  CARE(
      "care-referrals",
      e -> "URGENT".equals(e.outcome) ? 1 : 0,
      e -> "IMMEDIATE".equals(e.outcome) ? 1 : 0);

  private final String service;
  private final ToLongFunction<DemandEvent> a;
  private final ToLongFunction<DemandEvent> b;

  ServiceSums(String service, ToLongFunction<DemandEvent> a, ToLongFunction<DemandEvent> b) {
    this.service = service;
    this.a = a;
    this.b = b;
  }

  /** The sums of a service, or null if it has none. */
  public static ServiceSums of(String service) {
    for (ServiceSums sums : values()) {
      if (sums.service.equals(service)) {
        return sums;
      }
    }
    return null;
  }

  public long a(DemandEvent e) {
    return a.applyAsLong(e);
  }

  public long b(DemandEvent e) {
    return b.applyAsLong(e);
  }

  /** The measures written beside the service's counts. */
  public List<Measure> measures() {
    return java.util.Arrays.stream(Measure.values()).filter(m -> m.sums() == this).toList();
  }
}
