package io.switchboard.chat.irc;

import io.switchboard.chat.ChatHub;
import io.switchboard.engine.Application;
import java.nio.ByteBuffer;

/**
 * Builds the IRC front of a chat hub as an application the engines serve. Shared by every
 * connection of its server and safe on any model (see {@link IrcFront} for its thread contract).
 */
public final class IrcServer {
  private IrcServer() {}

  /**
   * The IRC front of {@code hub}: its rooms are the channels, so line clients and IRC clients meet
   * in them.
   */
  public static Application<IrcInput> application(ChatHub hub, IrcSettings settings) {
    IrcFormat format = new IrcFormat(settings.serverName());
    return new Application<>(
        "irc",
        limits -> new IrcDecoder(limits.maxFrameLength()),
        new IrcFront(hub, settings),
        ByteBuffer.wrap(
            IrcFormat.wire(format.error("Closing link: the server is full, try again later"))));
  }
}
