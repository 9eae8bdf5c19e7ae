package io.switchboard.engine.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What only the epoll model does itself: where it can run, and socket addresses, which it reads
 * from the kernel's own structures (an IPv6 listener here; IPv4 is what every conformance suite
 * runs on). Everything else the contract says is checked for it by the conformance suites.
 */
class EpollEngineTest {

  @Test
  void isBuiltAndListedWhereItCanRun() {
    String arch = System.getProperty("os.arch");
    assumeTrue(
        Runtime.version().feature() >= 22
            && System.getProperty("os.name").startsWith("Linux")
            && (arch.equals("amd64") || arch.equals("aarch64")),
        "the epoll model needs Linux on amd64 or aarch64 and Java 22+");
    // The tests run on the JDK that compiled the build, so the model must have been compiled too:
    // this is what fails if src/main/java22 stopped compiling (that step does not fail the build).
    assertThat(EpollProvider.whyUnavailable()).isNull();
    assertThat(Engines.all()).extracting(EngineProvider::model).contains("epoll");
    assertThat(Engines.named("EPOLL")).isInstanceOf(EpollProvider.class);
  }

  @Test
  void aModelThatCannotRunHereIsLeftOutAndSaysWhyWhenAskedFor() {
    // Registered by this module's test resources; see Unrunnable below.
    assertThat(Engines.all()).extracting(EngineProvider::model).doesNotContain("unrunnable");
    EngineProvider named = Engines.named("unrunnable");
    assertThatThrownBy(() -> named.create(EngineOptions.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the unrunnable model cannot run here: " + Unrunnable.WHY);
  }

  @Test
  void servesIpv6AndKnowsBothEndsOfTheSocket() throws Exception {
    assumeTrue(EpollProvider.whyUnavailable() == null, "the epoll model cannot run here");
    InetAddress loopback6 = InetAddress.getByName("::1");
    assumeTrue(canBind(loopback6), "no IPv6 loopback on this machine");
    CompletableFuture<SocketAddress[]> ends = new CompletableFuture<>();
    Handler<String> echo =
        new Handler<>() {
          @Override
          public void opened(Connection connection) {
            ends.complete(
                new SocketAddress[] {connection.remoteAddress(), connection.localAddress()});
          }

          @Override
          public void received(Connection connection, String line) {
            connection.send(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
          }

          @Override
          public void malformed(Connection connection, FrameException error) {
            connection.abort();
          }
        };
    try (Server server =
            new EpollProvider()
                .create(EngineOptions.DEFAULT.withThreads(1))
                .start(
                    new InetSocketAddress(loopback6, 0),
                    new Application<>("echo", LineDecoder::new, echo, ByteBuffer.allocate(0)),
                    Limits.DEFAULT);
        Socket client = new Socket()) {
      assertThat(server.localAddress().getAddress()).isInstanceOf(Inet6Address.class);
      assertThat(server.localAddress().getPort()).isPositive();
      client.connect(server.localAddress(), 10_000);
      client.setSoTimeout(10_000);
      client.getOutputStream().write("héllo\n".getBytes(StandardCharsets.UTF_8));
      assertThat(readLine(client.getInputStream())).isEqualTo("héllo");
      SocketAddress[] seen = ends.get(10, TimeUnit.SECONDS);
      assertThat(seen[0]).isEqualTo(client.getLocalSocketAddress());
      assertThat(seen[1]).isEqualTo(client.getRemoteSocketAddress());
    }
  }

  private static boolean canBind(InetAddress address) {
    try (ServerSocket probe = new ServerSocket(0, 1, address)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new java.io.ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("end of stream before a whole line: " + line);
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** A model that says it cannot run anywhere, registered for the test above. */
  public static final class Unrunnable extends EngineProvider {
    static final String WHY = "it exists only to be unavailable";

    public Unrunnable() {
      super(
          "unrunnable",
          99,
          "a model for a test",
          options -> {
            throw new AssertionError("never made: the model is unavailable");
          });
    }

    @Override
    public String unavailable() {
      return WHY;
    }
  }
}
