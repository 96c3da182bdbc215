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
