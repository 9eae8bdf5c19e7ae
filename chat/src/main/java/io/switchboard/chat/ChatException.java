package io.switchboard.chat;

import java.util.Locale;

/** A request the hub refuses, with a stable code for scripts and a sentence for people. */
public final class ChatException extends Exception {

  /** Stable reasons; a front shows {@link #token()} so scripts need not parse the sentence. */
  public enum Code {
    INVALID_NAME,
    NAME_TAKEN,
    INVALID_ROOM,
    NO_SUCH_ROOM,
    NO_SUCH_NAME,
    NOT_IN_ROOM,
    NO_ROOM,
    /** The hub keeps as many rooms as it may and none is empty. */
    TOO_MANY_ROOMS,
    /** This member is in as many rooms as one member may be. */
    TOO_MANY_JOINED,
    FLOOD,
    /** The room takes no message from this member now (moderated, members only, banned). */
    CANNOT_SEND,
    /** Only a room operator (or a hub operator) may do this. */
    NOT_OPERATOR,
    /** A ban on the room matches this member. */
    BANNED,
    /** The room takes only those invited. */
    INVITE_ONLY,
    /** The room has as many members as its limit. */
    ROOM_FULL,
    /** The room has a key and the one given is not it. */
    BAD_KEY,
    /** The member named is not in that room. */
    TARGET_NOT_IN_ROOM,
    /** The member named is in that room already. */
    ALREADY_IN_ROOM,
    /** A room setting's value is not valid (a limit that is no positive number, a key too long). */
    INVALID_SETTING,
    /**
     * The bus that shares the hub with other nodes does not answer (Redis is down or restarting):
     * what needs it is refused rather than done on this node alone.
     */
    BUS_UNAVAILABLE;

    /** The code as shown on the wire, e.g. {@code name-taken}. */
    public String token() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Code code;

  public ChatException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
