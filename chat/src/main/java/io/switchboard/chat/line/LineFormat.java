package io.switchboard.chat.line;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Connected;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.Whispered;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the line protocol spells each hub event and reply; {@code docs/chat-protocol.md} gives the
 * grammar. Every line starts with a marker a script can switch on: {@code #} a room's traffic,
 * {@code [} a private message, {@code =} a reply or notice for this client only, {@code !} an
 * error. Lines are returned without their terminator.
 *
 * <p>Thread contract: stateless, any thread.
 */
public final class LineFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private LineFormat() {}

  /** The event as one or more lines, joined by CRLF, without a final terminator. */
  public static String render(ChatEvent event) {
    return switch (event) {
      case Connected c -> reply("you are " + c.name() + "; /nick NAME changes it");
      case Said said -> said(said);
      case Whispered w -> "[" + w.from() + " -> " + w.to() + "] " + w.text();
      case Joined j -> "#" + j.room() + " -- " + j.name() + " joined";
      case Left left ->
          "#"
              + left.room()
              + " -- "
              + left.name()
              + " "
              + switch (left.how()) {
                case LEFT -> "left";
                case QUIT -> "quit";
                case DISCONNECTED -> "disconnected";
              }
              + (left.reason() == null || left.reason().isEmpty()
                  ? ""
                  : " (" + left.reason() + ")");
      case Renamed r -> "#" + r.room() + " -- " + r.oldName() + " is now " + r.newName();
      case Entered e ->
          reply(
              "joined #"
                  + e.room()
                  + ", members ("
                  + e.members().size()
                  + "): "
                  + String.join(", ", e.members()));
      case History h -> history(h);
    };
  }

  private static String said(Said said) {
    return "#"
        + said.room()
        + (said.action()
            ? " * " + said.from() + " " + said.text()
            : " <" + said.from() + "> " + said.text());
  }

  private static String history(History history) {
    StringBuilder lines = new StringBuilder(64 * (history.messages().size() + 1));
    lines.append(
        reply(
            "history #"
                + history.room()
                + ": "
                + history.messages().size()
                + " messages (the room keeps "
                + history.kept()
                + ")"));
    for (Said said : history.messages()) {
      lines.append("\r\n= ").append(TIME.format(said.time())).append(' ').append(said(said));
    }
    return lines.toString();
  }

  public static String reply(String text) {
    return "= " + text;
  }

  public static String error(String code, String text) {
    return "! " + code + " " + text;
  }
}
