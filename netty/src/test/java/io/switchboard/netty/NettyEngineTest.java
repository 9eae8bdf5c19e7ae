package io.switchboard.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.engine.spi.EngineOptions;
import org.junit.jupiter.api.Test;

/**
 * What only the netty model does: choosing its transport. Serving is checked on every available
 * transport by the conformance suites in {@code testkit}, through {@link
 * NettyEngine.Provider#variants()}.
 */
class NettyEngineTest {

  @Test
  void unknownTransportIsRefusedNamingTheChoices() {
    assertThatThrownBy(() -> NettyEngine.create(EngineOptions.DEFAULT.with("transport", "kqueue")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kqueue")
        .hasMessageContaining("auto, nio, epoll, io_uring");
  }

  @Test
  void eachTransportIsUsableOrRefusedWithItsReason() {
    for (NettyTransport transport : NettyTransport.values()) {
      if (transport.isAvailable()) {
        assertThat(NettyTransport.named(transport.optionName())).isSameAs(transport);
      } else {
        assertThatThrownBy(() -> NettyTransport.named(transport.optionName()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(transport.optionName() + " is not available here")
            .hasCause(transport.unavailabilityCause());
      }
    }
  }

  @Test
  void autoTakesTheBestAvailableAndTheSuiteRunsEveryAvailableTransport() {
    assertThat(NettyTransport.named("auto")).isSameAs(NettyTransport.available().get(0));
    assertThat(new NettyEngine.Provider().variants())
        .extracting(options -> options.option("transport", ""))
        .containsExactlyElementsOf(
            NettyTransport.available().stream().map(NettyTransport::optionName).toList());
  }
}
