package io.switchboard.netty;

import org.junit.jupiter.api.Nested;

/** Runs {@link NettyEchoCases} once per Netty transport. */
class NettyEngineTest {

  @Nested
  class Nio extends NettyEchoCases {
    @Override
    String transport() {
      return "nio";
    }
  }

  @Nested
  class Epoll extends NettyEchoCases {
    @Override
    String transport() {
      return "epoll";
    }
  }

  @Nested
  class IoUring extends NettyEchoCases {
    @Override
    String transport() {
      return "io_uring";
    }
  }
}
