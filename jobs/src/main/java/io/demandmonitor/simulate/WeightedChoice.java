package io.demandmonitor.simulate;

import java.io.Serializable;
import java.util.Map;
import java.util.SplittableRandom;

/** Picks one of several values with given relative weights. */
final class WeightedChoice implements Serializable {

  private final String[] values;
  private final double[] cumulative;

  WeightedChoice(Map<String, Double> weights) {
    values = weights.keySet().toArray(String[]::new);
    cumulative = new double[values.length];
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += weights.get(values[i]);
      cumulative[i] = sum;
    }
  }

  String pick(SplittableRandom rng) {
    return values[pickIndex(rng, cumulative)];
  }

  /** Index i with probability proportional to cumulative[i] - cumulative[i - 1]. */
  static int pickIndex(SplittableRandom rng, double[] cumulative) {
    double u = rng.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length - 1; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }
}
