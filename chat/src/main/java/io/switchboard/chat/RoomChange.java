package io.switchboard.chat;

import java.util.Objects;

/**
 * One change to a room's settings or to a member's role in it, as a room operator asks for it and
 * as the room's members hear of it ({@link ChatEvent.RoomChanged}).
 *
 * @param setting what changes
 * @param on set ({@code true}) or unset
 * @param argument the member's name for a role, the key, the limit, the ban mask; {@code null} for
 *     a plain flag (and for unsetting the key or the limit)
 */
public record RoomChange(Setting setting, boolean on, String argument) {

  public RoomChange {
    Objects.requireNonNull(setting, "setting");
  }

  /** What a change is about. */
  public enum Setting {
    /** A member's room operator role; the argument is the name. */
    OPERATOR,
    /** A member's voice (speaks in a moderated room); the argument is the name. */
    VOICE,
    TOPIC_LOCKED,
    MEMBERS_ONLY,
    MODERATED,
    INVITE_ONLY,
    SECRET,
    /** The key a joiner must give; the argument when set. */
    KEY,
    /** The most members; the argument (a positive number) when set. */
    LIMIT,
    /** A ban mask over {@code name!user@host}; the argument, set or unset. */
    BAN;

    /** True for the roles, whose argument is a member's name. */
    public boolean isRole() {
      return this == OPERATOR || this == VOICE;
    }
  }
}
