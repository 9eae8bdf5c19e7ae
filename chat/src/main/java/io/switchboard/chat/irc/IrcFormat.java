package io.switchboard.chat.irc;

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
import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Occupant;
import io.switchboard.chat.RoomChange;
import io.switchboard.chat.RoomChange.Setting;
import io.switchboard.chat.RoomSettings;
import io.switchboard.chat.Topic;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IRC spelled once: the numerics by name, the mode letters, and how every line the server sends is
 * composed, from the replies to the hub's events ({@code docs/irc.md} lists what is supported).
 *
 * <p>Every line goes out through {@link #compose}, the one place that makes output safe: each
 * parameter is cleaned of control characters ({@link NameRules#cleanText}: CR, LF, NUL, escape
 * sequences, bells, IRC's own formatting codes) so nothing one user sends reaches another's client
 * raw, a middle parameter never holds a space, the last one gets its colon when it needs one, and
 * the line is cut to 510 bytes on a character boundary before its CRLF. The only control character
 * that leaves is the CTCP delimiter around an action, which this class adds itself. Long messages
 * (a line user may say 2000 bytes) are split into several, each within the limit.
 *
 * <p>Thread contract: immutable; any thread.
 */
public final class IrcFormat {
  /** What ends every line. */
  public static final String CRLF = "\r\n";

  /** The longest line without its CRLF, in bytes. */
  public static final int MAX_LINE = 510;

  /** The channel prefix: IRC's {@code #room} is the hub's {@code room}. */
  public static final String CHANNEL = "#";

  /** The one capability offered: NAMES and WHO show every prefix a member has ({@code @+}). */
  public static final String MULTI_PREFIX = "multi-prefix";

  private static final char CTCP = '\u0001';
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The numerics this server sends, by the names the protocol documents give them. */
  public enum Numeric {
    RPL_WELCOME("001"),
    RPL_YOURHOST("002"),
    RPL_CREATED("003"),
    RPL_MYINFO("004"),
    RPL_ISUPPORT("005"),
    RPL_UMODEIS("221"),
    RPL_LUSERCLIENT("251"),
    RPL_LUSEROP("252"),
    RPL_LUSERUNKNOWN("253"),
    RPL_LUSERCHANNELS("254"),
    RPL_LUSERME("255"),
    RPL_TRYAGAIN("263"),
    RPL_AWAY("301"),
    RPL_USERHOST("302"),
    RPL_ISON("303"),
    RPL_UNAWAY("305"),
    RPL_NOWAWAY("306"),
    RPL_WHOISUSER("311"),
    RPL_WHOISSERVER("312"),
    RPL_WHOISOPERATOR("313"),
    RPL_ENDOFWHO("315"),
    RPL_WHOISIDLE("317"),
    RPL_ENDOFWHOIS("318"),
    RPL_WHOISCHANNELS("319"),
    RPL_LIST("322"),
    RPL_LISTEND("323"),
    RPL_CHANNELMODEIS("324"),
    RPL_CREATIONTIME("329"),
    RPL_NOTOPIC("331"),
    RPL_TOPIC("332"),
    RPL_TOPICWHOTIME("333"),
    RPL_INVITING("341"),
    RPL_WHOREPLY("352"),
    RPL_NAMREPLY("353"),
    RPL_ENDOFNAMES("366"),
    RPL_BANLIST("367"),
    RPL_ENDOFBANLIST("368"),
    RPL_MOTD("372"),
    RPL_MOTDSTART("375"),
    RPL_ENDOFMOTD("376"),
    RPL_YOUREOPER("381"),
    ERR_UNKNOWNERROR("400"),
    ERR_NOSUCHNICK("401"),
    ERR_NOSUCHCHANNEL("403"),
    ERR_CANNOTSENDTOCHAN("404"),
    ERR_TOOMANYCHANNELS("405"),
    ERR_NOORIGIN("409"),
    ERR_INVALIDCAPCMD("410"),
    ERR_NORECIPIENT("411"),
    ERR_NOTEXTTOSEND("412"),
    ERR_INPUTTOOLONG("417"),
    ERR_UNKNOWNCOMMAND("421"),
    ERR_NOMOTD("422"),
    ERR_NONICKNAMEGIVEN("431"),
    ERR_ERRONEUSNICKNAME("432"),
    ERR_NICKNAMEINUSE("433"),
    ERR_USERNOTINCHANNEL("441"),
    ERR_NOTONCHANNEL("442"),
    ERR_USERONCHANNEL("443"),
    ERR_NOTREGISTERED("451"),
    ERR_NEEDMOREPARAMS("461"),
    ERR_ALREADYREGISTERED("462"),
    ERR_PASSWDMISMATCH("464"),
    ERR_CHANNELISFULL("471"),
    ERR_UNKNOWNMODE("472"),
    ERR_INVITEONLYCHAN("473"),
    ERR_BANNEDFROMCHAN("474"),
    ERR_BADCHANNELKEY("475"),
    ERR_BANLISTFULL("478"),
    ERR_CHANOPRIVSNEEDED("482"),
    ERR_NOOPERHOST("491"),
    ERR_UMODEUNKNOWNFLAG("501"),
    ERR_USERSDONTMATCH("502"),
    ERR_INVALIDMODEPARAM("696");

    private final String code;

    Numeric(String code) {
      this.code = code;
    }

    /** The three digits on the wire. */
    public String code() {
      return code;
    }
  }

  /** Channel mode letters and the room settings they stand for (CHANMODES=b,k,l,imnst). */
  private static final Map<Character, Setting> MODES =
      Map.of(
          'o', Setting.OPERATOR,
          'v', Setting.VOICE,
          'b', Setting.BAN,
          'k', Setting.KEY,
          'l', Setting.LIMIT,
          'i', Setting.INVITE_ONLY,
          'm', Setting.MODERATED,
          'n', Setting.MEMBERS_ONLY,
          's', Setting.SECRET,
          't', Setting.TOPIC_LOCKED);

  /**
   * Commands whose last parameter is text (a message, a reason, a list), always sent as a trailing
   * parameter with its colon, as numerics' are: the protocol allows leaving the colon off a single
   * word, but clients written against servers that never do are spared the surprise.
   */
  private static final Set<String> TEXT_LAST =
      Set.of("PRIVMSG", "NOTICE", "TOPIC", "QUIT", "KICK", "ERROR", "CAP", "PONG");

  /** The order the flags are shown in, as the letters sort. */
  private static final String FLAGS = "imnst";

  private final String server;

  /** The format of a server called {@code server} (no spaces; a host name). */
  public IrcFormat(String server) {
    this.server = server;
  }

  public String server() {
    return server;
  }

  // ---- Composing lines: the one place output is made safe ------------------------------------

  /**
   * One line: {@code :source COMMAND params...}, each parameter cleaned, the last one with its
   * colon where needed, cut to {@link #MAX_LINE} bytes. {@code source} null: none.
   */
  public String compose(String source, String command, List<String> params) {
    return compose(source, command, params, false);
  }

  private String compose(String source, String command, List<String> params, boolean trustLast) {
    StringBuilder line = new StringBuilder(64);
    if (source != null) {
      line.append(':').append(middle(source)).append(' ');
    }
    line.append(command);
    for (int i = 0; i < params.size(); i++) {
      boolean last = i == params.size() - 1;
      String param = last && trustLast ? params.get(i) : NameRules.cleanText(params.get(i));
      line.append(' ');
      if (!last) {
        line.append(middle(param));
      } else if (param.isEmpty()
          || param.indexOf(' ') >= 0
          || param.charAt(0) == ':'
          || TEXT_LAST.contains(command)
          || isNumeric(command)) {
        line.append(':').append(param);
      } else {
        line.append(param);
      }
    }
    return cut(line.toString(), MAX_LINE);
  }

  private static boolean isNumeric(String command) {
    return command.length() == 3
        && Character.isDigit(command.charAt(0))
        && Character.isDigit(command.charAt(1))
        && Character.isDigit(command.charAt(2));
  }

  /** A middle parameter can hold no space and cannot be empty or start with a colon. */
  private static String middle(String param) {
    String clean = NameRules.cleanText(param).replace(' ', '_');
    return clean.isEmpty() || clean.charAt(0) == ':' ? "*" + clean : clean;
  }

  /** A line from the server itself. */
  public String fromServer(String command, String... params) {
    return compose(server, command, List.of(params));
  }

  /** A numeric reply to {@code target} (the client's nick, {@code *} before it has one). */
  public String numeric(Numeric numeric, String target, String... params) {
    List<String> all = new ArrayList<>(params.length + 1);
    all.add(target);
    all.addAll(List.of(params));
    return compose(server, numeric.code(), all);
  }

  /** A message whose source is a person: {@code :nick!user@host COMMAND params}. */
  public String from(String nick, String address, String command, String... params) {
    return compose(source(nick, address), command, List.of(params));
  }

  /** {@code nick!user@host}. */
  public static String source(String nick, String address) {
    return address == null ? nick : nick + "!" + address;
  }

  /** {@code ERROR :text}: the last line before the server closes the connection. */
  public String error(String text) {
    return compose(null, "ERROR", List.of(text));
  }

  /** The line as it goes on the wire: its bytes with CRLF. */
  public static byte[] wire(String line) {
    return (line + CRLF).getBytes(StandardCharsets.UTF_8);
  }

  /** Several lines, in order, in one buffer. */
  public static byte[] wire(List<String> lines) {
    StringBuilder text = new StringBuilder(64 * lines.size());
    for (String line : lines) {
      text.append(line).append(CRLF);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ---- Messages --------------------------------------------------------------------------------

  /**
   * {@code text} from {@code nick} to {@code target} (a {@code #channel} or a nick) in {@code
   * style}: PRIVMSG, a CTCP ACTION in a PRIVMSG, or NOTICE; split into as many lines as the 512
   * byte limit needs, on spaces where it can.
   */
  public List<String> message(
      String nick, String address, String target, String text, Style style) {
    String command = style == Style.NOTICE ? "NOTICE" : "PRIVMSG";
    String source = source(nick, address);
    String clean = NameRules.cleanText(text);
    String head = ":" + middle(source) + " " + command + " " + middle(target) + " :";
    int room =
        MAX_LINE - bytes(head) - (style == Style.ACTION ? bytes(CTCP + "ACTION " + CTCP) : 0);
    List<String> lines = new ArrayList<>();
    for (String part : split(clean, Math.max(room, 16))) {
      String param = style == Style.ACTION ? CTCP + "ACTION " + part + CTCP : part;
      lines.add(compose(source, command, List.of(target, param), true));
    }
    return lines;
  }

  /**
   * {@code text} in pieces of at most {@code maxBytes} UTF-8 bytes each, cut at the last space
   * within the limit when there is one, never inside a character.
   */
  static List<String> split(String text, int maxBytes) {
    List<String> parts = new ArrayList<>();
    String rest = text;
    while (bytes(rest) > maxBytes) {
      int end = fit(rest, maxBytes);
      int space = rest.lastIndexOf(' ', end);
      int cut = space > 0 ? space : end;
      parts.add(rest.substring(0, cut));
      rest = rest.substring(space > 0 ? cut + 1 : cut);
    }
    if (!rest.isEmpty() || parts.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }

  /** How many chars of {@code text} fit in {@code maxBytes} of UTF-8 (at least one character). */
  private static int fit(String text, int maxBytes) {
    int used = 0;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + size > maxBytes) {
        break;
      }
      used += size;
      i += Character.charCount(cp);
    }
    return i == 0 ? Character.charCount(text.codePointAt(0)) : i;
  }

  /** {@code text} cut to at most {@code maxBytes} of UTF-8, on a character boundary. */
  static String cut(String text, int maxBytes) {
    return bytes(text) <= maxBytes ? text : text.substring(0, fit(text, maxBytes));
  }

  private static int bytes(String text) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        count++;
      } else if (c < 0x800) {
        count += 2;
      } else if (Character.isHighSurrogate(c)) {
        count += 4;
        i++;
      } else {
        count += 3;
      }
    }
    return count;
  }

  // ---- The hub's events, as an IRC client with {@code nick} sees them -----------------------

  /**
   * {@code event} as the lines an IRC client sees, given its own nick and address (it sees its own
   * JOIN) and whether it asked for {@link #MULTI_PREFIX}; no lines for what IRC does not show
   * ({@link Connected}, its own private message sent back). Per-person events (a quit, a nick
   * change) come once per shared room from the hub: the member sends the first only.
   */
  public List<String> render(ChatEvent event, String nick, String address, boolean multiPrefix) {
    return switch (event) {
      case Connected c -> List.of();
      case Said s -> message(s.from(), s.address(), CHANNEL + s.room(), s.text(), s.style());
      case Whispered w ->
          NameRules.key(w.from()).equals(NameRules.key(nick))
                  && !NameRules.key(w.to()).equals(NameRules.key(nick))
              ? List.of() // its own message, which an IRC client shows itself
              : message(w.from(), w.address(), w.to(), w.text(), w.style());
      case Joined j -> List.of(from(j.name(), j.address(), "JOIN", CHANNEL + j.room()));
      case Left l ->
          List.of(
              switch (l.how()) {
                case LEFT ->
                    l.reason() == null
                        ? from(l.name(), l.address(), "PART", CHANNEL + l.room())
                        : from(l.name(), l.address(), "PART", CHANNEL + l.room(), l.reason());
                case QUIT ->
                    from(
                        l.name(),
                        l.address(),
                        "QUIT",
                        "Quit: " + (l.reason() == null ? "" : l.reason()));
                case DISCONNECTED ->
                    from(
                        l.name(),
                        l.address(),
                        "QUIT",
                        l.reason() == null ? "Connection closed" : l.reason());
              });
      case Renamed r -> List.of(from(r.oldName(), r.address(), "NICK", r.newName()));
      case Entered e -> entered(e, nick, address, multiPrefix);
      case History h -> history(h);
      case Kicked k ->
          List.of(
              from(
                  k.by(), k.byAddress(), "KICK", CHANNEL + k.room(), k.name(), reason(k.reason())));
      case Invited i ->
          List.of(from(i.by(), i.byAddress(), "INVITE", i.name(), CHANNEL + i.room()));
      case TopicChanged t ->
          List.of(from(t.by(), t.byAddress(), "TOPIC", CHANNEL + t.room(), t.topic().text()));
      case RoomChanged r -> {
        List<String> params = new ArrayList<>();
        params.add(CHANNEL + r.room());
        params.addAll(modes(r.changes()));
        yield List.of(compose(source(r.by(), r.byAddress()), "MODE", params));
      }
      case Missed m ->
          List.of(compose(server, "NOTICE", List.of(CHANNEL + m.room(), m.sentence())));
      case Failed f ->
          List.of(
              numeric(
                  Numeric.ERR_UNKNOWNERROR,
                  nick,
                  f.room() == null ? "*" : "PRIVMSG",
                  f.error().getMessage()));
    };
  }

  private static String reason(String reason) {
    return reason == null ? "" : reason;
  }

  /** What a client sees when it enters a channel: JOIN, the topic, NAMES. */
  private List<String> entered(Entered e, String nick, String address, boolean multiPrefix) {
    String channel = CHANNEL + e.room();
    List<String> lines = new ArrayList<>();
    lines.add(from(nick, address, "JOIN", channel));
    if (e.topic() != null) {
      lines.addAll(topic(nick, channel, e.topic()));
    }
    lines.addAll(names(nick, channel, false, e.occupants(), multiPrefix));
    return lines;
  }

  /** RPL_TOPIC and RPL_TOPICWHOTIME. */
  public List<String> topic(String nick, String channel, Topic topic) {
    return List.of(
        numeric(Numeric.RPL_TOPIC, nick, channel, topic.text()),
        numeric(
            Numeric.RPL_TOPICWHOTIME,
            nick,
            channel,
            topic.setBy(),
            Long.toString(topic.setAt().getEpochSecond())));
  }

  /** RPL_NAMREPLY lines (as many as the names need) and RPL_ENDOFNAMES. */
  public List<String> names(
      String nick, String channel, boolean secret, List<Occupant> occupants, boolean multiPrefix) {
    List<String> lines = new ArrayList<>();
    String symbol = secret ? "@" : "=";
    String head = numeric(Numeric.RPL_NAMREPLY, nick, symbol, channel, "x");
    int room = MAX_LINE - bytes(head) + 1; // the "x" stands for the names
    StringBuilder names = new StringBuilder();
    for (Occupant occupant : occupants) {
      String name = prefix(occupant, multiPrefix) + occupant.name();
      if (names.length() > 0 && bytes(names.toString()) + 1 + bytes(name) > room) {
        lines.add(numeric(Numeric.RPL_NAMREPLY, nick, symbol, channel, names.toString()));
        names.setLength(0);
      }
      if (names.length() > 0) {
        names.append(' ');
      }
      names.append(name);
    }
    if (names.length() > 0) {
      lines.add(numeric(Numeric.RPL_NAMREPLY, nick, symbol, channel, names.toString()));
    }
    lines.add(numeric(Numeric.RPL_ENDOFNAMES, nick, channel, "End of /NAMES list"));
    return lines;
  }

  /** A member's prefix in a channel: the highest ({@code @} or {@code +}), or all of them. */
  public static String prefix(Occupant occupant, boolean all) {
    return prefix(occupant.operator(), occupant.voiced(), all);
  }

  /** {@link #prefix(Occupant, boolean)} from the two roles. */
  public static String prefix(boolean operator, boolean voiced, boolean all) {
    if (operator && voiced && all) {
      return "@+";
    }
    return operator ? "@" : voiced ? "+" : "";
  }

  /** A room's history as NOTICEs from the server to the channel, with when each was said. */
  private List<String> history(History history) {
    String channel = CHANNEL + history.room();
    List<String> lines = new ArrayList<>(history.messages().size() + 2);
    lines.add(
        compose(
            server,
            "NOTICE",
            List.of(
                channel,
                "history of "
                    + channel
                    + ": "
                    + history.messages().size()
                    + " messages (the room keeps "
                    + history.kept()
                    + ")")));
    for (Said said : history.messages()) {
      String who = said.action() ? "* " + said.from() : "<" + said.from() + ">";
      lines.add(
          compose(
              server,
              "NOTICE",
              List.of(channel, "[" + TIME.format(said.time()) + "] " + who + " " + said.text())));
    }
    lines.add(compose(server, "NOTICE", List.of(channel, "end of history of " + channel)));
    return lines;
  }

  // ---- Modes -----------------------------------------------------------------------------------

  /** The room setting a channel mode letter stands for, or {@code null} for an unknown letter. */
  public static Setting setting(char letter) {
    return MODES.get(letter);
  }

  /** The channel mode letter of a room setting. */
  public static char letter(Setting setting) {
    for (Map.Entry<Character, Setting> mode : MODES.entrySet()) {
      if (mode.getValue() == setting) {
        return mode.getKey();
      }
    }
    throw new IllegalArgumentException(String.valueOf(setting));
  }

  /** Changes as a mode string and its arguments: {@code +ok-v bob key carol}. */
  public static List<String> modes(List<RoomChange> changes) {
    StringBuilder letters = new StringBuilder();
    List<String> arguments = new ArrayList<>();
    Boolean sign = null;
    for (RoomChange change : changes) {
      if (sign == null || sign != change.on()) {
        sign = change.on();
        letters.append(change.on() ? '+' : '-');
      }
      letters.append(letter(change.setting()));
      if (change.argument() != null) {
        arguments.add(change.argument());
      }
    }
    List<String> params = new ArrayList<>();
    params.add(letters.toString());
    params.addAll(arguments);
    return params;
  }

  /**
   * A room's settings as RPL_CHANNELMODEIS shows them: {@code +klnt key 10}; the key is shown only
   * to members (the hub gives others an empty one).
   */
  public static List<String> modes(RoomSettings settings) {
    StringBuilder letters = new StringBuilder("+");
    List<String> arguments = new ArrayList<>();
    if (settings.key() != null) {
      letters.append('k');
      if (!settings.key().isEmpty()) {
        arguments.add(settings.key());
      }
    }
    if (settings.limit() > 0) {
      letters.append('l');
      arguments.add(Integer.toString(settings.limit()));
    }
    for (int i = 0; i < FLAGS.length(); i++) {
      if (settings.has(setting(FLAGS.charAt(i)))) {
        letters.append(FLAGS.charAt(i));
      }
    }
    List<String> params = new ArrayList<>();
    params.add(letters.toString());
    params.addAll(arguments);
    return params;
  }

  /** The MODE line of a change the client made to its own user modes. */
  public String userMode(String nick, String address, String change) {
    return from(nick, address, "MODE", nick, change);
  }
}
