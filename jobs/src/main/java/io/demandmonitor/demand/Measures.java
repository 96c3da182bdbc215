package io.demandmonitor.demand;

import io.demandmonitor.ingest.DemandEvent;

/**
 * The per-service measures carried beside each count, as two sums {@code a} and {@code b}
 * that add up across events and minutes (ratios are taken at the end, never averaged):
 * helpline: a = abandoned calls, b = seconds waited; testing: a = positive, b = void results;
 * care referrals: a = urgent, b = immediate. Safeguarding contacts have none.
 */
public final class Measures {

  private Measures() {}

  /**
   * A named measure of a rolling value: count, rate_per_100k, abandoned_rate, mean_wait_seconds,
   * positivity, urgent_share or immediate_share; NaN when it has no meaning (a ratio of no events,
   * a measure of another service).
   */
  public static double of(String measure, RollingValue v, long population) {
    boolean service = switch (measure) {
      case "abandoned_rate", "mean_wait_seconds" -> v.service.equals("helpline-calls");
      case "positivity" -> v.service.equals("testing-events");
      case "urgent_share", "immediate_share" -> v.service.equals("care-referrals");
      default -> true;
    };
    if (!service) {
      return Double.NaN;
    }
    return switch (measure) {
      case "count" -> v.count;
      case "rate_per_100k" -> v.count * 100_000.0 / population;
      case "positivity" -> v.count > v.b ? (double) v.a / (v.count - v.b) : Double.NaN;
      case "abandoned_rate", "urgent_share" -> v.count > 0 ? (double) v.a / v.count : Double.NaN;
      case "mean_wait_seconds", "immediate_share" -> v.count > 0 ? (double) v.b / v.count : Double.NaN;
      default -> throw new IllegalArgumentException("unknown measure " + measure);
    };
  }

  /** The service measures written beside a service's counts. */
  public static java.util.List<String> serviceMeasures(String service) {
    return switch (service) {
      case "helpline-calls" -> java.util.List.of("abandoned_rate", "mean_wait_seconds");
      case "testing-events" -> java.util.List.of("positivity");
      case "care-referrals" -> java.util.List.of("urgent_share", "immediate_share");
      default -> java.util.List.of();
    };
  }

  public static long a(DemandEvent e) {
    return switch (e.service) {
      case "helpline-calls" -> e.abandoned ? 1 : 0;
      case "testing-events" -> "POSITIVE".equals(e.outcome) ? 1 : 0;
      case "care-referrals" -> "URGENT".equals(e.outcome) ? 1 : 0;
      default -> 0;
    };
  }

  public static long b(DemandEvent e) {
    return switch (e.service) {
      case "helpline-calls" -> e.waitSeconds;
      case "testing-events" -> "VOID".equals(e.outcome) ? 1 : 0;
      case "care-referrals" -> "IMMEDIATE".equals(e.outcome) ? 1 : 0;
      default -> 0;
    };
  }
}
