package io.switchboard.engine.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The JDK's listening channel as a {@link SocketListener}: blocking or not, as its owner configured
 * it.
 *
 * <p>Thread contract: as {@link SocketListener}.
 */
record ChannelListener(ServerSocketChannel channel) implements SocketListener<SocketChannel> {

  @Override
  public SocketChannel accept() throws IOException {
    return channel.accept();
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void configure(SocketChannel socket) throws IOException {
    socket.configureBlocking(false);
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
  }

  @Override
  public SocketAddress remoteAddress(SocketChannel socket) throws IOException {
    return socket.getRemoteAddress();
  }

  @Override
  public SocketAddress localAddress(SocketChannel socket) throws IOException {
    return socket.getLocalAddress();
  }

  @Override
  public InetSocketAddress boundAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
