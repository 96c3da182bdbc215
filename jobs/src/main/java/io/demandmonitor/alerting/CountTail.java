package io.demandmonitor.alerting;

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
   * P(X >= x), summing the probabilities from x up; the probability of x itself is reached by its
   * ratio to the one before, in logs (no underflow at means of hundreds).
   */
  static double upperTail(long x, double mean, double dispersion) {
    if (x <= 0) {
      return 1;
    }
    if (mean <= 0) {
      return 0;
    }
    boolean poisson = dispersion <= 1 + 1e-9;
    double r = poisson ? Double.POSITIVE_INFINITY : mean / (dispersion - 1); // NB size
    double q = poisson ? 0 : mean / (r + mean);
    double logP = poisson ? -mean : r * Math.log(r / (r + mean));
    for (long k = 0; k < x; k++) {
      logP += Math.log(ratio(k, mean, r, q, poisson));
    }
    double sum = 0;
    double term = Math.exp(logP);
    for (long k = x; ; k++) {
      sum += term;
      if (k > mean && (term == 0 || term < sum * 1e-12)) {
        return Math.min(1, sum);
      }
      term *= ratio(k, mean, r, q, poisson);
    }
  }

  /** P(k + 1) / P(k). */
  private static double ratio(long k, double mean, double r, double q, boolean poisson) {
    return poisson ? mean / (k + 1) : (k + r) / (k + 1) * q;
  }

  /** The standard normal quantile (Acklam's rational approximation, relative error 1.2e-9). */
  static double normalQuantile(double p) {
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    if (p < 0.02425) {
      double t = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5])
          / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
    }
    if (p > 1 - 0.02425) {
      return -normalQuantile(1 - p);
    }
    double t = p - 0.5;
    double s = t * t;
    return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5])
        * t
        / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
  }
}
