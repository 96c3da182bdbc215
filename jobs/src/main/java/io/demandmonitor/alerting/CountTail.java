package io.demandmonitor.alerting;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * How far above its expected mean a count is, from the exact upper tail of its distribution: a
 * Poisson with mean m, or, when its variance is d times the mean (d > 1), a negative binomial with
 * that mean and variance. The tail probability P(X >= x) is returned as the standard normal deviate
 * with the same upper tail, so rule levels keep their meaning of standard deviations. At small
 * means a normal approximation (even Anscombe's) puts a count's rarity far from its true tail: m 2,
 * x 8 is P 0.0011 (z 3.06), where Anscombe's deviation says 2.7.
 */
final class CountTail {

  /** Deviates beyond this are all alike (P below 1e-15). */
  private static final double MAX_Z = 8;

  private CountTail() {}

  /** The normal deviate of P(X >= observed); -8 to 8. */
  static double z(long observed, double mean, double dispersion) {
    double p = upperTail(observed, mean, dispersion);
    if (p <= 0 || p >= 1) {
      return p <= 0 ? MAX_Z : -MAX_Z;
    }
    return Math.max(-MAX_Z, Math.min(MAX_Z, -normalQuantile(p)));
  }

  /** The smallest count whose deviate is at least {@code z}. */
  static long countAt(double z, double mean, double dispersion) {
    double sd = Math.sqrt(mean * dispersion);
    long x = Math.max(0, (long) Math.floor(mean + z * sd)); // a normal guess, then exact steps
    while (x > 0 && z(x - 1, mean, dispersion) >= z) {
      x--;
    }
    while (z(x, mean, dispersion) < z) {
      x++;
    }
    return x;
  }

  /**
   * P(X >= x): the regularized incomplete gamma function for a Poisson, the regularized incomplete
   * beta function for a negative binomial of size r = m / (d - 1).
   */
  static double upperTail(long x, double mean, double dispersion) {
    if (x <= 0) {
      return 1;
    }
    if (mean <= 0) {
      return 0;
    }
    if (dispersion <= 1 + 1e-9) {
      return Gamma.regularizedGammaP(x, mean);
    }
    double size = mean / (dispersion - 1);
    return Beta.regularizedBeta(mean / (size + mean), x, size);
  }

  /** The standard normal quantile, from the inverse complementary error function. */
  static double normalQuantile(double p) {
    return -Math.sqrt(2) * Erf.erfcInv(2 * p);
  }
}
