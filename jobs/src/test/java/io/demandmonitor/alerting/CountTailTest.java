package io.demandmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CountTailTest {

  @Test
  void poissonTailsAndTheirNormalDeviates() {
    assertThat(CountTail.upperTail(8, 2, 1)).isCloseTo(0.0010965, within(1e-6));
    assertThat(CountTail.z(8, 2, 1)).isCloseTo(3.063, within(1e-3));
    assertThat(CountTail.upperTail(0, 2, 1)).isEqualTo(1.0);
    assertThat(CountTail.z(0, 2, 1)).isEqualTo(-8.0);
    assertThat(CountTail.z(3, 0, 1)).as("nothing expected").isEqualTo(8.0);
  }

  @Test
  void negativeBinomialTailsAreWider() {
    // mean 0.25, variance 0.3125: size 1, a geometric with P(X >= x) = 0.2^x
    assertThat(CountTail.upperTail(4, 0.25, 1.25)).isCloseTo(0.0016, within(1e-10));
    assertThat(CountTail.upperTail(8, 2, 1.25)).isGreaterThan(CountTail.upperTail(8, 2, 1));
  }

  @Test
  void largeMeansNeitherUnderflowNorDriftFromTheNormal() {
    // mean 700 (a county's day): 3 standard deviations is 779, and a Poisson's skew adds about 1
    assertThat(CountTail.z(779, 700, 1)).isCloseTo(3.0, within(0.1));
    assertThat(CountTail.countAt(3, 700, 1)).isBetween(779L, 783L);
  }

  @Test
  void countAtIsTheSmallestCountReachingTheDeviate() {
    long x = CountTail.countAt(3, 2, 1);
    assertThat(x).isEqualTo(8);
    assertThat(CountTail.z(x - 1, 2, 1)).isLessThan(3);
  }

  @Test
  void theNormalQuantile() {
    assertThat(CountTail.normalQuantile(0.5)).isCloseTo(0, within(1e-9));
    assertThat(CountTail.normalQuantile(0.00135)).isCloseTo(-3.0, within(1e-3));
    assertThat(CountTail.normalQuantile(0.975)).isCloseTo(1.95996, within(1e-4));
  }
}
