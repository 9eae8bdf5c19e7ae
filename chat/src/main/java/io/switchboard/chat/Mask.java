package io.switchboard.chat;

/**
 * Wildcard masks over {@code name!user@host}, as IRC writes bans: {@code ?} matches one character,
 * {@code *} any run of characters, {@code \} takes the next character literally. Letters are
 * compared under the hub's one case rule ({@link NameRules#key}).
 *
 * <p>Matching is the classic two-pointer walk that goes back only to the last {@code *}: time is
 * bounded by the product of the two lengths, never exponential, whatever the mask.
 *
 * <p>Thread contract: stateless, any thread.
 */
public final class Mask {
  private Mask() {}

  /** The mask a member matches with its own name and origin: {@code name!user@host}. */
  public static String of(String name, Origin origin) {
    return name + "!" + origin.address();
  }

  /** True if {@code text} matches {@code mask}. */
  public static boolean matches(String mask, String text) {
    String m = NameRules.key(mask);
    String t = NameRules.key(text);
    int mi = 0;
    int ti = 0;
    int star = -1;
    int afterStar = 0;
    while (ti < t.length()) {
      if (mi < m.length() && m.charAt(mi) == '*') {
        star = mi++;
        afterStar = ti;
      } else if (mi < m.length() && matchesOne(m, mi, t.charAt(ti))) {
        mi += m.charAt(mi) == '\\' && mi + 1 < m.length() ? 2 : 1;
        ti++;
      } else if (star >= 0) {
        mi = star + 1;
        ti = ++afterStar;
      } else {
        return false;
      }
    }
    while (mi < m.length() && m.charAt(mi) == '*') {
      mi++;
    }
    return mi == m.length();
  }

  private static boolean matchesOne(String mask, int at, char c) {
    char m = mask.charAt(at);
    if (m == '\\' && at + 1 < mask.length()) {
      return mask.charAt(at + 1) == c;
    }
    return m == '?' || m == c;
  }
}
