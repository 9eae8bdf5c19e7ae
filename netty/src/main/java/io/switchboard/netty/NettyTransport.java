package io.switchboard.netty;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.StandardSocketOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Netty's ways of waiting for sockets: the JDK selector ({@code nio}), Linux {@code epoll} through
 * Netty's own JNI (edge-triggered), and {@code io_uring} (submission and completion rings). The
 * native ones exist only where their library loads and the kernel allows them, so each is asked
 * before use; nothing here loads a native class until then.
 *
 * <p>Thread contract: immutable; any thread.
 */
enum NettyTransport {
  NIO("nio") {
    @Override
    boolean isAvailable() {
      return true;
    }

    @Override
    Throwable unavailabilityCause() {
      return null;
    }

    @Override
    IoHandlerFactory ioHandlers() {
      return NioIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return NioServerSocketChannel.class;
    }

    @Override
    ChannelOption<Boolean> reusePort() {
      return NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
    }

    @Override
    boolean sendsFilesWithoutCopy() {
      return true; // FileChannel.transferTo: sendfile(2)
    }
  },

  EPOLL("epoll") {
    @Override
    boolean isAvailable() {
      return Epoll.isAvailable();
    }

    @Override
    Throwable unavailabilityCause() {
      return Epoll.unavailabilityCause();
    }

    @Override
    IoHandlerFactory ioHandlers() {
      return EpollIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return EpollServerSocketChannel.class;
    }

    @Override
    ChannelOption<Boolean> reusePort() {
      return EpollChannelOption.SO_REUSEPORT;
    }

    @Override
    boolean sendsFilesWithoutCopy() {
      return true; // sendfile(2)
    }
  },

  IO_URING("io_uring") {
    @Override
    boolean isAvailable() {
      return IoUring.isAvailable();
    }

    @Override
    Throwable unavailabilityCause() {
      return IoUring.unavailabilityCause();
    }

    @Override
    IoHandlerFactory ioHandlers() {
      return IoUringIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return IoUringServerSocketChannel.class;
    }

    @Override
    ChannelOption<Boolean> reusePort() {
      return IoUringChannelOption.SO_REUSEPORT;
    }

    @Override
    boolean sendsFilesWithoutCopy() {
      return IoUring.isSpliceSupported(); // Netty's io_uring sends file regions with splice(2)
    }
  };

  /**
   * The order {@code transport=auto} tries: epoll first, as the native transport Netty has run in
   * production longest; io_uring is there to be chosen and measured, not assumed faster.
   */
  private static final List<NettyTransport> PREFERENCE = List.of(EPOLL, IO_URING, NIO);

  private final String optionName;

  NettyTransport(String optionName) {
    this.optionName = optionName;
  }

  /** The name used in {@code transport=...}. */
  String optionName() {
    return optionName;
  }

  abstract boolean isAvailable();

  abstract Throwable unavailabilityCause();

  abstract IoHandlerFactory ioHandlers();

  abstract Class<? extends ServerChannel> serverChannel();

  /** The transport's own spelling of SO_REUSEPORT (several processes on one port). */
  abstract ChannelOption<Boolean> reusePort();

  /** True if the transport writes a {@code DefaultFileRegion} from the page cache. */
  abstract boolean sendsFilesWithoutCopy();

  /** The transports usable on this machine, best first. */
  static List<NettyTransport> available() {
    return PREFERENCE.stream().filter(NettyTransport::isAvailable).toList();
  }

  /**
   * The transport called {@code name}, or the best available for {@code auto}.
   *
   * @throws IllegalArgumentException for an unknown name
   * @throws IllegalStateException if the named transport cannot run here (with the reason)
   */
  static NettyTransport named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    if (wanted.equals("auto")) {
      return available().get(0); // nio is always available
    }
    NettyTransport transport =
        Arrays.stream(values())
            .filter(t -> t.optionName.equals(wanted))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown transport '"
                            + name
                            + "'; transports: auto, nio, epoll, io_uring"));
    if (!transport.isAvailable()) {
      throw new IllegalStateException(
          "transport "
              + transport.optionName
              + " is not available here: "
              + transport.unavailabilityCause(),
          transport.unavailabilityCause());
    }
    return transport;
  }
}
