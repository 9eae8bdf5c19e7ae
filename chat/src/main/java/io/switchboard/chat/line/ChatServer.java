package io.switchboard.chat.line;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.engine.Application;
import io.switchboard.engine.codec.LineDecoder;
import java.nio.ByteBuffer;

/**
 * Builds the chat application the engines serve: a hub behind the line protocol front. The
 * application is shared by every connection of a server and safe on any model (see {@link ChatHub}
 * and {@link LineFront} for their thread contracts).
 */
public final class ChatServer {
  private ChatServer() {}

  /** A new hub with {@code settings}, served over the line protocol. */
  public static Application<String> application(ChatSettings settings) {
    return application(new ChatHub(settings));
  }

  /**
   * The line protocol front of an existing hub, so several fronts (or several listeners) can share
   * its rooms.
   */
  public static Application<String> application(ChatHub hub) {
    int maxLine = hub.settings().maxLineBytes();
    return new Application<>(
        "chat",
        limits -> new TelnetFilter(new LineDecoder(Math.min(maxLine, limits.maxFrameLength()))),
        new LineFront(hub),
        ByteBuffer.wrap(
            LineFormat.wire(
                LineFormat.error(LineFormat.SERVER_FULL, "the chat is full, try again later"))));
  }
}
