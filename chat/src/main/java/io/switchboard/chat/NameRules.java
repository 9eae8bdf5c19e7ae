package io.switchboard.chat;

/**
 * The rules for member names and room names, and the cleaning of text, in one place so every front
 * applies the same ones.
 *
 * <ul>
 *   <li>A name is 1 to 24 characters: letters, digits, {@code - _ .}, starting with a letter or
 *       digit. Control characters are stripped before the check.
 *   <li>A room is 1 to 32 characters of the same kinds; a leading {@code #} is optional and not
 *       part of the name.
 *   <li>Both are unique ignoring the case of ASCII letters ({@link #key}); the spelling first
 *       chosen is shown.
 * </ul>
 *
 * <p>Thread contract: stateless, any thread.
 */
public final class NameRules {
  public static final int MAX_NAME = 24;
  public static final int MAX_ROOM = 32;

  private NameRules() {}

  /** {@code name} if it is a valid name; otherwise a refusal that says the rule. */
  static String requireValidName(String name) throws ChatException {
    if (!isValidName(name)) {
      throw new ChatException(
          ChatException.Code.INVALID_NAME,
          "invalid name '"
              + name
              + "': 1 to "
              + MAX_NAME
              + " letters, digits, '-', '_' or '.', starting with a letter or digit");
    }
    return name;
  }

  /** {@code room} if it is a valid room name; otherwise a refusal that says the rule. */
  static String requireValidRoom(String room) throws ChatException {
    if (!isValidRoom(room)) {
      throw new ChatException(
          ChatException.Code.INVALID_ROOM,
          "invalid room name '"
              + room
              + "': 1 to "
              + MAX_ROOM
              + " letters, digits, '-', '_' or '.'");
    }
    return room;
  }

  public static boolean isValidName(String name) {
    return isValid(name, MAX_NAME);
  }

  public static boolean isValidRoom(String room) {
    return isValid(room, MAX_ROOM);
  }

  /**
   * The case-insensitive identity of a name or room: ASCII letters folded to lower case, every
   * other character kept as it is. The hub's one case rule: the IRC front announces it as {@code
   * CASEMAPPING=ascii}, so IRC clients fold names exactly as the hub does ({@code Émile} and {@code
   * émile} are two names under both).
   */
  public static String key(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] folded = name.toCharArray();
        for (int j = i; j < folded.length; j++) {
          if (folded[j] >= 'A' && folded[j] <= 'Z') {
            folded[j] = (char) (folded[j] + ('a' - 'A'));
          }
        }
        return new String(folded);
      }
    }
    return name;
  }

  /** A room as typed, without its optional leading {@code #} and stray control characters. */
  public static String cleanRoom(String room) {
    String clean = cleanText(room).strip();
    return clean.startsWith("#") ? clean.substring(1) : clean;
  }

  public static String cleanName(String name) {
    return cleanText(name).strip();
  }

  /**
   * Text fit to show on someone else's terminal: control characters removed (C0 and C1, so escape
   * sequences, bells, NUL and bare carriage returns; DEL; and U+2028/U+2029, which some clients
   * take for line ends), tabs turned into spaces.
   */
  public static String cleanText(String text) {
    StringBuilder clean = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (clean == null) {
          clean = new StringBuilder(text.length()).append(text, 0, i);
        }
        if (c == '\t') {
          clean.append(' ');
        }
      } else if (clean != null) {
        clean.append(c);
      }
    }
    return clean == null ? text : clean.toString();
  }

  private static boolean isValid(String name, int maxLength) {
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > maxLength) {
      return false;
    }
    int first = name.codePointAt(0);
    if (!Character.isLetterOrDigit(first)) {
      return false;
    }
    return name.codePoints()
        .allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
  }
}
