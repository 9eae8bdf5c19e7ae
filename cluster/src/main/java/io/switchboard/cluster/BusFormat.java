package io.switchboard.cluster;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Origin;
import io.switchboard.chat.Profile;
import io.switchboard.chat.RoomChange;
import io.switchboard.chat.RoomUpdate;
import io.switchboard.chat.RoomUpdate.Arrived;
import io.switchboard.chat.RoomUpdate.Changed;
import io.switchboard.chat.RoomUpdate.Hidden;
import io.switchboard.chat.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What travels through Redis, spelt once: room updates, private messages, profiles and room
 * members, as text fields joined by the ASCII unit separator (U+001F) (a list is its items' fields
 * one after the other). Every text the hub lets in is cleaned of control characters ({@link
 * NameRules#cleanText}), so the separator cannot appear inside a field; the encoder cleans again
 * anyway, so a field can never split another. {@code null} is written as U+0000, which no cleaned
 * text holds either. The Lua scripts read only the first fields of a member ({@code joinseq US
 * node}) and treat everything else as opaque.
 *
 * <p>Thread contract: stateless, any thread.
 */
final class BusFormat {
  static final char FIELD = '\u001f';

  /**
   * Between the updates of one published batch (the ASCII record separator, U+001E): cleaned out of
   * every text like {@link #FIELD}, so it never appears inside an update.
   */
  static final char RECORD = '\u001e';

  private static final String NULL = "\u0000";

  private BusFormat() {}

  // ---- Room updates -------------------------------------------------------------------------

  static String encode(RoomUpdate update) {
    Fields out = new Fields();
    switch (update) {
      case Said s ->
          out.add("S")
              .add(s.room())
              .add(s.from())
              .add(s.address())
              .add(s.text())
              .add(s.style().name())
              .add(s.time());
      case Arrived a ->
          out.add("A").add(a.room()).add(a.name()).origin(a.origin()).add(a.invisible());
      case Left l ->
          out.add("L")
              .add(l.room())
              .add(l.name())
              .add(l.address())
              .add(l.how().name())
              .add(l.reason());
      case Renamed r ->
          out.add("R").add(r.room()).add(r.oldName()).add(r.newName()).add(r.address());
      case Kicked k ->
          out.add("K").add(k.room()).add(k.name()).add(k.by()).add(k.byAddress()).add(k.reason());
      case Invited i -> out.add("I").add(i.room()).add(i.name()).add(i.by()).add(i.byAddress());
      case TopicChanged t ->
          out.add("T")
              .add(t.room())
              .add(t.by())
              .add(t.byAddress())
              .add(t.topic().text())
              .add(t.topic().setBy())
              .add(t.topic().setAt());
      case Changed c -> {
        out.add("C").add(c.room()).add(c.by()).add(c.byAddress()).add(c.at());
        for (RoomChange change : c.changes()) {
          out.add(change.setting().name()).add(change.on()).add(change.argument());
        }
      }
      case Hidden h -> out.add("H").add(h.room()).add(h.name()).add(h.invisible());
    }
    return out.toString();
  }

  static RoomUpdate decodeUpdate(String payload) {
    Reader in = new Reader(payload);
    String kind = in.next();
    return switch (kind) {
      case "S" ->
          new Said(
              in.next(), in.next(), in.next(), in.next(), Style.valueOf(in.next()), in.instant());
      case "A" -> new Arrived(in.next(), in.next(), in.origin(), in.bool());
      case "L" ->
          new Left(in.next(), in.next(), in.next(), Departure.valueOf(in.next()), in.next());
      case "R" -> new Renamed(in.next(), in.next(), in.next(), in.next());
      case "K" -> new Kicked(in.next(), in.next(), in.next(), in.next(), in.next());
      case "I" -> new Invited(in.next(), in.next(), in.next(), in.next());
      case "T" -> {
        String room = in.next();
        String by = in.next();
        String byAddress = in.next();
        yield new TopicChanged(room, by, byAddress, new Topic(in.next(), in.next(), in.instant()));
      }
      case "C" -> {
        String room = in.next();
        String by = in.next();
        String byAddress = in.next();
        Instant at = in.instant();
        List<RoomChange> changes = new ArrayList<>();
        while (in.hasNext()) {
          changes.add(new RoomChange(RoomChange.Setting.valueOf(in.next()), in.bool(), in.next()));
        }
        yield new Changed(room, by, byAddress, changes, at);
      }
      case "H" -> new Hidden(in.next(), in.next(), in.bool());
      default -> throw new IllegalArgumentException("unknown update kind '" + kind + "'");
    };
  }

  // ---- Private messages --------------------------------------------------------------------

  static String encode(Whispered w) {
    return new Fields()
        .add(w.from())
        .add(w.address())
        .add(w.to())
        .add(w.text())
        .add(w.style().name())
        .add(w.time())
        .toString();
  }

  static Whispered decodeWhisper(String payload) {
    Reader in = new Reader(payload);
    return new Whispered(
        in.next(), in.next(), in.next(), in.next(), Style.valueOf(in.next()), in.instant());
  }

  // ---- Profiles (beside each name's claim) -------------------------------------------------

  static String encode(Profile p) {
    Fields out =
        new Fields()
            .add(p.name())
            .origin(p.origin())
            .add(p.away())
            .add(p.operator())
            .add(p.invisible())
            .add(p.signedOn())
            .add(p.lastActive());
    for (Profile.RoomRole role : p.rooms()) {
      out.add(role.room()).add(role.operator()).add(role.voiced());
    }
    return out.toString();
  }

  static Profile decodeProfile(String payload) {
    Reader in = new Reader(payload);
    String name = in.next();
    Origin origin = in.origin();
    String away = in.next();
    boolean operator = in.bool();
    boolean invisible = in.bool();
    Instant signedOn = in.instant();
    Instant lastActive = in.instant();
    List<Profile.RoomRole> rooms = new ArrayList<>();
    while (in.hasNext()) {
      rooms.add(new Profile.RoomRole(in.next(), in.bool(), in.bool()));
    }
    return new Profile(name, origin, away, operator, invisible, signedOn, lastActive, rooms);
  }

  // ---- Room members (the value of a room's members hash, after "joinseq US") -----------------

  /** {@code node US name US origin... US invisible}: the node first, for the scripts. */
  static String resident(String node, String name, Origin origin, boolean invisible) {
    return new Fields().add(node).add(name).origin(origin).add(invisible).toString();
  }

  /** A member as a room's hash keeps it: join order, node, name, origin, whether it hides. */
  record Resident(long joinSeq, String node, String name, Origin origin, boolean invisible) {}

  static Resident decodeResident(String value) {
    Reader in = new Reader(value);
    return new Resident(Long.parseLong(in.next()), in.next(), in.next(), in.origin(), in.bool());
  }

  // ---- Ban values (after "seq US") ---------------------------------------------------------

  static String ban(String mask, String by, Instant at) {
    return new Fields().add(mask).add(by).add(at).toString();
  }

  // ---- The pieces ---------------------------------------------------------------------------

  /** Splits on the unit separator. */
  static List<String> fields(String text) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == FIELD) {
        fields.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return fields;
  }

  private static final class Fields {
    private final StringBuilder text = new StringBuilder(96);
    private boolean first = true;

    Fields add(String field) {
      if (!first) {
        text.append(FIELD);
      }
      first = false;
      text.append(field == null ? NULL : NameRules.cleanText(field));
      return this;
    }

    Fields add(boolean flag) {
      return add(flag ? "1" : "0");
    }

    Fields add(Instant instant) {
      return add(instant == null ? null : instant.toString());
    }

    Fields origin(Origin origin) {
      return add(origin.user()).add(origin.host()).add(origin.realName()).add(origin.front());
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  private static final class Reader {
    private final List<String> fields;
    private int at;

    Reader(String text) {
      this.fields = fields(text);
    }

    boolean hasNext() {
      return at < fields.size();
    }

    String next() {
      if (at >= fields.size()) {
        throw new IllegalArgumentException("a field is missing");
      }
      String field = fields.get(at++);
      return NULL.equals(field) ? null : field;
    }

    boolean bool() {
      return "1".equals(next());
    }

    Instant instant() {
      String text = next();
      return text == null ? null : Instant.parse(text);
    }

    Origin origin() {
      return new Origin(next(), next(), next(), next());
    }
  }
}
