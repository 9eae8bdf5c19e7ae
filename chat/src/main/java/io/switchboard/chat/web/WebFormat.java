package io.switchboard.chat.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Connected;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.Failed;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Missed;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.RoomChanged;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatHub.RoomCount;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Occupant;
import io.switchboard.chat.RoomChange;
import io.switchboard.chat.line.LineFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The browser front's protocol spelled once on the server's side ({@code docs/web.md} has every
 * message; the page spells it once on its side, in {@code chat.js}). Each WebSocket text message is
 * one JSON object. The page sends {@code {"line": TEXT}} with the conversation it was typed in,
 * {@code "room": ROOM} or {@code "to": NAME}: the line is what a line client would type, a message
 * or a {@code /command} ({@link io.switchboard.chat.line.LineRequest} reads it). The server sends
 * objects whose {@code "type"} says what they are: the hub's events ({@code said}, {@code joined},
 * ...), the answers to commands ({@code rooms}, {@code members}, ...), {@code reply} and {@code
 * error}.
 *
 * <p>Every message the server sends becomes bytes in one place ({@link #wire}), which removes
 * control characters from every string in it, whatever field it came from, as the line and IRC
 * fronts do: the page shows text as text (never as HTML), and nothing a user sends reaches another
 * with a control character in it.
 *
 * <p>Thread contract: stateless, any thread.
 */
public final class WebFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  // What the server sends ("type").
  static final String YOU = "you";
  static final String SAID = "said";
  static final String WHISPERED = "whispered";
  static final String ENTERED = "entered";
  static final String JOINED = "joined";
  static final String LEFT = "left";
  static final String RENAMED = "renamed";
  static final String HISTORY = "history";
  static final String KICKED = "kicked";
  static final String INVITED = "invited";
  static final String TOPIC = "topic";
  static final String CHANGED = "changed";
  static final String ROOMS = "rooms";
  static final String MEMBERS = "members";
  static final String TALKING = "talking";
  static final String PARTED = "parted";
  static final String REPLY = "reply";
  static final String ERROR = "error";

  // What the page sends.
  static final String LINE = "line";
  static final String ROOM = "room";
  static final String TO = "to";

  // The front's own error codes (the hub's come from ChatException.Code).
  static final String BAD_MESSAGE = "bad-message";
  static final String LINE_TOO_LONG = LineFormat.LINE_TOO_LONG;
  static final String TOO_SLOW = LineFormat.TOO_SLOW;

  private WebFormat() {}

  // ---- What the page sends -------------------------------------------------------------------

  /** What one message from the page asks for, read and nothing done yet. */
  sealed interface Request {
    /**
     * A line typed in a conversation: a room ({@code room}), a private one ({@code to}), or neither
     * (the room the member talks in).
     */
    record Line(String text, String room, String to) implements Request {}

    /** Not a message this protocol knows: what the page is told. */
    record Invalid(String text) implements Request {}
  }

  /** Reads one text message from the page; total: anything is a {@link Request}. */
  static Request parse(String message) {
    JsonNode node;
    try {
      node = JSON.readTree(message);
    } catch (JsonProcessingException e) {
      return new Request.Invalid("a message must be JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return new Request.Invalid("a message must be a JSON object such as {\"line\":\"hi\"}");
    }
    JsonNode line = node.get(LINE);
    JsonNode room = node.get(ROOM);
    JsonNode to = node.get(TO);
    if (line == null || !line.isTextual()) {
      return new Request.Invalid("a message needs \"line\", the text typed");
    }
    if ((room != null && !room.isTextual()) || (to != null && !to.isTextual())) {
      return new Request.Invalid("\"room\" and \"to\" are names (strings)");
    }
    if (room != null && to != null) {
      return new Request.Invalid("a line goes to a room or to a person, not both");
    }
    return new Request.Line(
        line.textValue(),
        room == null ? null : room.textValue(),
        to == null ? null : to.textValue());
  }

  /** A message from the page, as it writes one (for the tests' clients). */
  static String line(String text, String room, String to) {
    ObjectNode message = JSON.createObjectNode().put(LINE, text);
    if (room != null) {
      message.put(ROOM, room);
    }
    if (to != null) {
      message.put(TO, to);
    }
    return message.toString();
  }

  // ---- What the server sends -----------------------------------------------------------------

  /** The event as the JSON message the page is sent. */
  static byte[] render(ChatEvent event) {
    ObjectNode message =
        switch (event) {
          case Connected c -> you(c.name());
          case Said said -> said(type(SAID), said);
          case Whispered w ->
              type(WHISPERED)
                  .put("from", w.from())
                  .put("to", w.to())
                  .put("text", w.text())
                  .put("style", style(w.style()))
                  .put("time", w.time().toString());
          case Joined j -> type(JOINED).put("room", j.room()).put("name", j.name());
          case Left left -> {
            ObjectNode node =
                type(LEFT)
                    .put("room", left.room())
                    .put("name", left.name())
                    .put("how", left.how().name().toLowerCase(Locale.ROOT));
            yield left.reason() == null || left.reason().isEmpty()
                ? node
                : node.put("reason", left.reason());
          }
          case Renamed r ->
              type(RENAMED).put("room", r.room()).put("from", r.oldName()).put("to", r.newName());
          case Entered e -> entered(e);
          case History h -> {
            ObjectNode node = type(HISTORY).put("room", h.room()).put("kept", h.kept());
            ArrayNode messages = node.putArray("messages");
            h.messages().forEach(said -> said(messages.addObject(), said));
            yield node;
          }
          case Kicked k -> {
            ObjectNode node =
                type(KICKED).put("room", k.room()).put("name", k.name()).put("by", k.by());
            yield k.reason() == null || k.reason().isEmpty()
                ? node
                : node.put("reason", k.reason());
          }
          case Invited i -> type(INVITED).put("room", i.room()).put("by", i.by());
          case TopicChanged t ->
              type(TOPIC).put("room", t.room()).put("by", t.by()).put("text", t.topic().text());
          // What a shared bus tells (see ChatBus), as the page already shows the line front's
          // replies and errors: the sentence of a gap, and a message the bus could not carry.
          case Missed m -> type(REPLY).put("text", m.sentence());
          case Failed f ->
              type(ERROR).put("code", f.error().code().token()).put("text", f.error().getMessage());
          case RoomChanged r -> {
            ObjectNode node = type(CHANGED).put("room", r.room()).put("by", r.by());
            ArrayNode changes = node.putArray("changes");
            for (RoomChange change : r.changes()) {
              ObjectNode item =
                  changes
                      .addObject()
                      .put("setting", change.setting().name().toLowerCase(Locale.ROOT))
                      .put("on", change.on())
                      .put("text", LineFormat.change(change));
              if (change.argument() != null) {
                item.put("argument", change.argument());
              }
            }
            yield node;
          }
        };
    return wire(message);
  }

  private static ObjectNode said(ObjectNode node, Said said) {
    return node.put("room", said.room())
        .put("from", said.from())
        .put("text", said.text())
        .put("style", style(said.style()))
        .put("time", said.time().toString());
  }

  private static ObjectNode entered(Entered e) {
    ObjectNode node = type(ENTERED).put("room", e.room()).put("count", e.count());
    ArrayNode members = node.putArray("members");
    for (Occupant occupant : e.occupants()) {
      members
          .addObject()
          .put("name", occupant.name())
          .put("op", occupant.operator())
          .put("voice", occupant.voiced());
    }
    if (e.topic() != null && !e.topic().text().isEmpty()) {
      node.putObject("topic").put("text", e.topic().text()).put("by", e.topic().setBy());
    }
    return node;
  }

  private static String style(ChatEvent.Style style) {
    return style.name().toLowerCase(Locale.ROOT);
  }

  /** {@code {"type":"you","name":NAME}}: the member's name, on arrival and after {@code /nick}. */
  static byte[] yourName(String name) {
    return wire(you(name));
  }

  private static ObjectNode you(String name) {
    return type(YOU).put("name", name);
  }

  /** The answer to {@code /rooms}. */
  static byte[] rooms(List<RoomCount> rooms) {
    ObjectNode node = type(ROOMS);
    ArrayNode list = node.putArray("rooms");
    rooms.forEach(r -> list.addObject().put("name", r.room()).put("members", r.members()));
    return wire(node);
  }

  /** The answer to {@code /who}: a room's members with their roles. */
  static byte[] members(String room, List<Occupant> occupants) {
    ObjectNode node = type(MEMBERS).put("room", room);
    ArrayNode list = node.putArray("members");
    occupants.forEach(
        o ->
            list.addObject()
                .put("name", o.name())
                .put("op", o.operator())
                .put("voice", o.voiced()));
    return wire(node);
  }

  /** The answer to {@code /join} of a room the member is in: it talks there again. */
  static byte[] talking(String room) {
    return wire(type(TALKING).put("room", room));
  }

  /** The answer to {@code /leave}: the room left, and the one talked in now (none: absent). */
  static byte[] parted(String room, String current) {
    ObjectNode node = type(PARTED).put("room", room);
    return wire(current == null ? node : node.put("current", current));
  }

  /** A line of text for this member only (the welcome, {@code /help}). */
  static byte[] reply(String text) {
    return wire(type(REPLY).put("text", text));
  }

  /** An error with its stable code (the line front's codes) and a sentence. */
  static byte[] error(String code, String text) {
    return wire(type(ERROR).put("code", code).put("text", text));
  }

  private static ObjectNode type(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  // ---- The wire ------------------------------------------------------------------------------

  /**
   * The one way a server message becomes bytes: every string in it, at any depth and whatever field
   * it came from (a name, a room, a message, a reason, a command echoed in an error), loses its
   * control characters ({@link NameRules#cleanText}), then the object is written as UTF-8 JSON.
   */
  static byte[] wire(ObjectNode message) {
    clean(message);
    try {
      return JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always writes", e);
    }
  }

  private static void clean(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (field.getValue().isTextual()) {
          field.setValue(TextNode.valueOf(NameRules.cleanText(field.getValue().textValue())));
        } else {
          clean(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, TextNode.valueOf(NameRules.cleanText(array.get(i).textValue())));
        } else {
          clean(array.get(i));
        }
      }
    }
  }
}
