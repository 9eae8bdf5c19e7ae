package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reading the live heap off {@code jcmd GC.class_histogram}'s output, as JDK 25 prints it. */
class HeapProbeTest {
  /** The head and tail of a real histogram of a chat server after a ten-minute soak. */
  private static final String HISTOGRAM =
      """
      27852:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:           865       17348928  [Ljdk.internal.vm.FillerElement; (java.base@25.0.3)
         2:         19692        3730384  [B (java.base@25.0.3)
         3:          1581        1778128  [Ljava.nio.ByteBuffer; (java.base@25.0.3)
         4:            12            384  jdk.internal.vm.FillerObject (java.base@25.0.3)
         5:         18316         439584  java.lang.String (java.base@25.0.3)
      Total        109806       26448688
      """;

  @Test
  void theLiveHeapIsTheTotalWithoutTheCollectorsFillers() throws IOException {
    assertThat(HeapProbe.total(HISTOGRAM)).isEqualTo(26_448_688L - 17_348_928L - 384L);
  }

  @Test
  void aHistogramWithoutATotalIsAnError() {
    assertThatThrownBy(() -> HeapProbe.total("27852:\nAttach failed\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no Total line");
  }
}
