package io.demandmonitor.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeriesKeyTest {

  @Test
  void theEncodedKeyDecodesToItsPartsAndKeepsTheFormSavepointsAreKeyedBy() {
    String encoded = SeriesKey.encode("safeguarding-contacts", "COUNTY", "NEGLECT");
    assertThat(encoded).isEqualTo("safeguarding-contacts|COUNTY|NEGLECT");
    assertThat(SeriesKey.decode(encoded))
        .isEqualTo(new SeriesKey("safeguarding-contacts", "COUNTY", "NEGLECT"));
    assertThat(SeriesKey.decode(SeriesKey.encode("helpline-calls", "STEVENAGE", "")))
        .satisfies(key -> assertThat(key.isDistrictTotal()).isTrue())
        .isEqualTo(new SeriesKey("helpline-calls", "STEVENAGE", ""));
    assertThat(new SeriesKey("helpline-calls", "COUNTY", "").isDistrictTotal()).isFalse();
    assertThat(new SeriesKey("helpline-calls", "STEVENAGE", "ABANDONED").isDistrictTotal())
        .isFalse();
  }

  @Test
  void aKeyWithoutItsThreePartsIsRefused() {
    assertThatThrownBy(() -> SeriesKey.decode("helpline-calls|STEVENAGE"))
        .hasMessageContaining("not a series key");
  }
}
