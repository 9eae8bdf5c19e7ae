package io.switchboard.chat.irc;

import static io.switchboard.chat.irc.IrcFormat.CHANNEL;

import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Occupant;
import io.switchboard.chat.Profile;
import io.switchboard.chat.RoomChange;
import io.switchboard.chat.RoomChange.Setting;
import io.switchboard.chat.RoomChanges;
import io.switchboard.chat.RoomView;
import io.switchboard.chat.Session;
import io.switchboard.chat.irc.IrcFormat.Numeric;
import io.switchboard.chat.irc.IrcInput.Message;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command table (Ergo's shape): one handler per IRC command, found by name, with how many
 * parameters it needs and whether the client must have registered first. Each handler turns its
 * command into calls on the client's {@link Session} and answers in IRC's numerics; the hub's
 * refusals become the numerics clients know ({@link #refuse}).
 *
 * <p>Thread contract: stateless apart from what it is built with; {@link #dispatch} is called under
 * the client's monitor (see {@link IrcMember}), one command at a time per client.
 */
final class IrcCommands {
  /** Targets one PRIVMSG or NOTICE may name (ISUPPORT's TARGMAX). */
  static final int MAX_TARGETS = 4;

  /** Mode changes one MODE command may carry (ISUPPORT's MODES); more are ignored. */
  static final int MAX_MODES = 20;

  /** The longest KICK reason, in characters. */
  static final int KICKLEN = 390;

  private static final String VERSION = "switchboard-1";
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** One command: the least parameters it takes, whether it needs registration, its handler. */
  private record Command(int minParams, boolean registered, Handler handler) {}

  @FunctionalInterface
  private interface Handler {
    void handle(IrcCommands commands, IrcMember client, Message message);
  }

  private static final Map<String, Command> TABLE =
      Map.ofEntries(
          Map.entry("CAP", new Command(1, false, IrcCommands::cap)),
          Map.entry("PASS", new Command(1, false, IrcCommands::pass)),
          Map.entry("NICK", new Command(0, false, IrcCommands::nick)),
          Map.entry("USER", new Command(4, false, IrcCommands::user)),
          Map.entry("PING", new Command(1, false, IrcCommands::ping)),
          Map.entry("PONG", new Command(0, false, (commands, client, message) -> {})),
          Map.entry("QUIT", new Command(0, false, IrcCommands::quit)),
          Map.entry("JOIN", new Command(1, true, IrcCommands::join)),
          Map.entry("PART", new Command(1, true, IrcCommands::part)),
          Map.entry("PRIVMSG", new Command(0, true, IrcCommands::privmsg)),
          Map.entry("NOTICE", new Command(0, true, IrcCommands::notice)),
          Map.entry("NAMES", new Command(0, true, IrcCommands::names)),
          Map.entry("TOPIC", new Command(1, true, IrcCommands::topic)),
          Map.entry("LIST", new Command(0, true, IrcCommands::list)),
          Map.entry("WHO", new Command(0, true, IrcCommands::who)),
          Map.entry("WHOIS", new Command(1, true, IrcCommands::whois)),
          Map.entry("AWAY", new Command(0, true, IrcCommands::away)),
          Map.entry("USERHOST", new Command(1, true, IrcCommands::userhost)),
          Map.entry("ISON", new Command(1, true, IrcCommands::ison)),
          Map.entry("KICK", new Command(2, true, IrcCommands::kick)),
          Map.entry("INVITE", new Command(2, true, IrcCommands::invite)),
          Map.entry("MODE", new Command(1, true, IrcCommands::mode)),
          Map.entry("OPER", new Command(2, true, IrcCommands::oper)),
          Map.entry(
              "LUSERS", new Command(0, true, (commands, client, m) -> commands.lusers(client))),
          Map.entry("MOTD", new Command(0, true, (commands, client, m) -> commands.motd(client))),
          Map.entry("HISTORY", new Command(1, true, IrcCommands::history)));

  private final IrcFront front;
  private final ChatHub hub;
  private final IrcFormat format;
  private final IrcSettings settings;
  private final String created;

  IrcCommands(IrcFront front, ChatHub hub, IrcFormat format, IrcSettings settings) {
    this.front = front;
    this.hub = hub;
    this.format = format;
    this.settings = settings;
    this.created = CREATED.format(java.time.Instant.now());
  }

  /** Handles one input from {@code client}: a message, a line too long, or one that is none. */
  void dispatch(IrcMember client, IrcInput input) {
    switch (input) {
      case IrcInput.TooLong tooLong ->
          client.reply(
              Numeric.ERR_INPUTTOOLONG,
              "Input line was too long (512 bytes with CRLF, 4096 more for tags)");
      case IrcInput.Malformed malformed ->
          client.reply(Numeric.ERR_UNKNOWNERROR, "*", malformed.reason());
      case Message message -> dispatch(client, message);
    }
  }

  private void dispatch(IrcMember client, Message message) {
    Command command = TABLE.get(message.command());
    if (!client.registered) {
      if (++client.linesBeforeRegistering > IrcMember.MAX_LINES_BEFORE_REGISTERING) {
        client.closeWith("Too many lines before registering", "no registration");
        return;
      }
      if (command == null || command.registered()) {
        client.reply(Numeric.ERR_NOTREGISTERED, "You have not registered");
        return;
      }
    } else {
      if (!"PONG".equals(message.command()) && !admitted(client, message)) {
        return;
      }
      if (command == null) {
        client.reply(Numeric.ERR_UNKNOWNCOMMAND, message.command(), "Unknown command");
        return;
      }
    }
    if (message.size() < command.minParams()) {
      client.reply(Numeric.ERR_NEEDMOREPARAMS, message.command(), "Not enough parameters");
      return;
    }
    command.handler().handle(this, client, message);
  }

  /** The hub's flood limit, the same for every front; a client over it hears RPL_TRYAGAIN once. */
  private static boolean admitted(IrcMember client, Message message) {
    try {
      return client.session.admitLine();
    } catch (ChatException flood) {
      client.reply(Numeric.RPL_TRYAGAIN, message.command(), flood.getMessage());
      return false;
    }
  }

  // ---- Registration ------------------------------------------------------------------------

  private static void cap(IrcCommands commands, IrcMember client, Message message) {
    String sub = message.param(0).toUpperCase(Locale.ROOT);
    IrcFormat format = commands.format;
    switch (sub) {
      case "LS" -> {
        if (!client.registered) {
          client.capNegotiating = true;
        }
        client.send(format.fromServer("CAP", client.target(), "LS", IrcFormat.MULTI_PREFIX));
      }
      case "LIST" ->
          client.send(
              format.fromServer(
                  "CAP",
                  client.target(),
                  "LIST",
                  client.multiPrefix ? IrcFormat.MULTI_PREFIX : ""));
      case "REQ" -> {
        if (!client.registered) {
          client.capNegotiating = true;
        }
        String wanted = message.param(1) == null ? "" : message.param(1).strip();
        Boolean multiPrefix = null;
        boolean known = !wanted.isEmpty();
        for (String cap : wanted.split(" +")) {
          if (cap.equalsIgnoreCase(IrcFormat.MULTI_PREFIX)) {
            multiPrefix = true;
          } else if (cap.equalsIgnoreCase("-" + IrcFormat.MULTI_PREFIX)) {
            multiPrefix = false;
          } else {
            known = false;
          }
        }
        if (known && multiPrefix != null) {
          client.multiPrefix = multiPrefix;
        }
        client.send(format.fromServer("CAP", client.target(), known ? "ACK" : "NAK", wanted));
      }
      case "END" -> {
        client.capNegotiating = false;
        commands.register(client);
      }
      default -> client.reply(Numeric.ERR_INVALIDCAPCMD, sub, "Invalid CAP command");
    }
  }

  private static void pass(IrcCommands commands, IrcMember client, Message message) {
    if (client.registered) {
      client.reply(Numeric.ERR_ALREADYREGISTERED, "You may not reregister");
    }
    // No connection password: the server is open; PASS before registering is accepted and unused.
  }

  private static void nick(IrcCommands commands, IrcMember client, Message message) {
    String wanted = message.param(0);
    if (wanted == null || wanted.isEmpty()) {
      client.reply(Numeric.ERR_NONICKNAMEGIVEN, "No nickname given");
      return;
    }
    if (!NameRules.isValidName(wanted)) {
      client.reply(
          Numeric.ERR_ERRONEUSNICKNAME,
          wanted,
          "Erroneous nickname: 1 to "
              + NameRules.MAX_NAME
              + " letters, digits, '-', '_' or '.', starting with a letter or digit");
      return;
    }
    if (!client.registered) {
      if (commands.hub.isNameTaken(wanted)) {
        client.reply(Numeric.ERR_NICKNAMEINUSE, wanted, "Nickname is already in use");
        return;
      }
      client.nick = wanted;
      commands.register(client);
      return;
    }
    Session session = client.session;
    String old = session.name();
    try {
      session.rename(wanted);
    } catch (ChatException e) {
      commands.refuse(client, e, null, wanted, "NICK");
      return;
    }
    if (!session.name().equals(old)) {
      client.send(commands.format.from(old, client.address(), "NICK", session.name()));
      client.nick = session.name();
    }
  }

  private static void user(IrcCommands commands, IrcMember client, Message message) {
    if (client.registered) {
      client.reply(Numeric.ERR_ALREADYREGISTERED, "You may not reregister");
      return;
    }
    String given = message.param(0).replaceAll("[^A-Za-z0-9._-]", "");
    if (given.isEmpty()) {
      given = client.nick == null ? "user" : client.nick;
    }
    // No ident lookup: the name is the client's own word, so it gets IRC's "~" in front.
    client.user = "~" + given.substring(0, Math.min(given.length(), IrcMember.USERLEN - 1));
    client.realName = NameRules.cleanText(message.param(3)).strip();
    commands.register(client);
  }

  /** Registers the client once it has a nick and a user and is done negotiating capabilities. */
  private void register(IrcMember client) {
    if (client.registered
        || client.nick == null
        || client.user == null
        || client.capNegotiating
        || !client.connection.isOpen()) {
      return;
    }
    try {
      client.session = hub.connectAs(client, client.nick, client.origin());
    } catch (ChatException e) {
      String refused = client.nick;
      client.nick = null; // the client picks another and sends NICK again
      refuse(client, e, null, refused, "NICK");
      return;
    }
    client.registered = true;
    front.registered(client);
    welcome(client);
  }

  private void welcome(IrcMember client) {
    String nick = client.nick;
    client.reply(
        Numeric.RPL_WELCOME,
        "Welcome to the "
            + settings.network()
            + " IRC network, "
            + IrcFormat.source(nick, client.address()));
    client.reply(
        Numeric.RPL_YOURHOST, "Your host is " + format.server() + ", running version " + VERSION);
    client.reply(Numeric.RPL_CREATED, "This server was created " + created);
    client.reply(Numeric.RPL_MYINFO, format.server(), VERSION, "io", "biklmnostv", "bklov");
    for (List<String> tokens : isupport()) {
      List<String> params = new ArrayList<>(tokens);
      params.add("are supported by this server");
      client.reply(Numeric.RPL_ISUPPORT, params.toArray(String[]::new));
    }
    lusers(client);
    motd(client);
  }

  /** The ISUPPORT tokens, at most 13 a line as the protocol asks. */
  private List<List<String>> isupport() {
    List<String> tokens =
        List.of(
            "AWAYLEN=" + Session.MAX_AWAY,
            "CASEMAPPING=ascii",
            "CHANLIMIT=#:" + hub.settings().maxRoomsPerMember(),
            "CHANMODES=b,k,l,imnst",
            "CHANNELLEN=" + (NameRules.MAX_ROOM + 1),
            "CHANTYPES=#",
            "KICKLEN=" + KICKLEN,
            "MAXLIST=b:64",
            "MODES=" + MAX_MODES,
            "NETWORK=" + settings.network(),
            "NICKLEN=" + NameRules.MAX_NAME,
            "PREFIX=(ov)@+",
            "TARGMAX=JOIN:,KICK:,NAMES:,PART:,PRIVMSG:"
                + MAX_TARGETS
                + ",NOTICE:"
                + MAX_TARGETS
                + ",WHOIS:1",
            "TOPICLEN=390",
            "USERLEN=" + IrcMember.USERLEN);
    List<List<String>> lines = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i += 13) {
      lines.add(tokens.subList(i, Math.min(tokens.size(), i + 13)));
    }
    return lines;
  }

  private void lusers(IrcMember client) {
    int members = hub.memberCount();
    int invisible = hub.invisibleCount();
    client.reply(
        Numeric.RPL_LUSERCLIENT,
        "There are "
            + (members - invisible)
            + " users and "
            + invisible
            + " invisible on 1 servers");
    client.reply(Numeric.RPL_LUSEROP, Integer.toString(hub.operatorCount()), "operator(s) online");
    client.reply(
        Numeric.RPL_LUSERUNKNOWN, Integer.toString(front.unregistered()), "unknown connection(s)");
    client.reply(Numeric.RPL_LUSERCHANNELS, Integer.toString(hub.roomCount()), "channels formed");
    client.reply(Numeric.RPL_LUSERME, "I have " + members + " clients and 0 servers");
  }

  private void motd(IrcMember client) {
    if (settings.motd().isEmpty()) {
      client.reply(Numeric.ERR_NOMOTD, "MOTD File is missing");
      return;
    }
    client.reply(Numeric.RPL_MOTDSTART, "- " + format.server() + " Message of the day - ");
    for (String line : settings.motd()) {
      client.reply(Numeric.RPL_MOTD, "- " + line);
    }
    client.reply(Numeric.RPL_ENDOFMOTD, "End of /MOTD command.");
  }

  private static void ping(IrcCommands commands, IrcMember client, Message message) {
    String token = message.param(0);
    if (token.isEmpty()) {
      client.reply(Numeric.ERR_NOORIGIN, "No origin specified");
      return;
    }
    client.send(commands.format.fromServer("PONG", commands.format.server(), token));
  }

  private static void quit(IrcCommands commands, IrcMember client, Message message) {
    String reason = message.param(0);
    Session session = client.session;
    if (session != null) {
      session.quit(reason == null || reason.isBlank() ? null : reason);
    }
    client.closeWith("Quit: " + (reason == null ? "" : reason), "quit");
  }

  // ---- Channels ------------------------------------------------------------------------------

  private static void join(IrcCommands commands, IrcMember client, Message message) {
    Session session = client.session;
    if (message.param(0).equals("0")) {
      for (String room : session.rooms()) {
        commands.leave(client, CHANNEL + room, null);
      }
      return;
    }
    String[] channels = message.param(0).split(",");
    String[] keys = message.size() > 1 ? message.param(1).split(",") : new String[0];
    for (int i = 0; i < channels.length; i++) {
      String channel = channels[i];
      if (!channel.startsWith(CHANNEL)) {
        client.reply(
            Numeric.ERR_NOSUCHCHANNEL, channel, "No such channel: channel names start with #");
        continue;
      }
      try {
        session.join(channel.substring(1), i < keys.length ? keys[i] : null);
      } catch (ChatException e) {
        commands.refuse(client, e, channel, null, "JOIN");
      }
    }
  }

  private static void part(IrcCommands commands, IrcMember client, Message message) {
    for (String channel : message.param(0).split(",")) {
      commands.leave(client, channel, message.param(1));
    }
  }

  private void leave(IrcMember client, String channel, String reason) {
    Session session = client.session;
    String clean = reason == null || reason.isBlank() ? null : NameRules.cleanText(reason).strip();
    try {
      String left = session.leave(channel, clean);
      client.send(
          clean == null
              ? format.from(client.nick, client.address(), "PART", CHANNEL + left)
              : format.from(client.nick, client.address(), "PART", CHANNEL + left, clean));
    } catch (ChatException e) {
      refuse(client, exists(session, channel) ? e : noSuchRoom(), channel, null, "PART");
    }
  }

  private static void privmsg(IrcCommands commands, IrcMember client, Message message) {
    commands.send(client, message, false);
  }

  private static void notice(IrcCommands commands, IrcMember client, Message message) {
    commands.send(client, message, true);
  }

  /** PRIVMSG and NOTICE to channels and nicks; a NOTICE never gets an error back. */
  private void send(IrcMember client, Message message, boolean notice) {
    if (message.size() == 0) {
      if (!notice) {
        client.reply(Numeric.ERR_NORECIPIENT, "No recipient given (" + message.command() + ")");
      }
      return;
    }
    String text = message.param(1);
    if (text == null || text.isEmpty()) {
      if (!notice) {
        client.reply(Numeric.ERR_NOTEXTTOSEND, "No text to send");
      }
      return;
    }
    Style style = notice ? Style.NOTICE : Style.PLAIN;
    if (text.charAt(0) == '\u0001') {
      String ctcp = text.substring(1, text.endsWith("\u0001") ? text.length() - 1 : text.length());
      if (notice || !ctcp.regionMatches(true, 0, "ACTION ", 0, 7)) {
        return; // other CTCP queries and replies are not relayed (docs/irc.md)
      }
      style = Style.ACTION;
      text = ctcp.substring(7);
    }
    Session session = client.session;
    String[] targets = message.param(0).split(",");
    for (int i = 0; i < Math.min(targets.length, MAX_TARGETS); i++) {
      String target = targets[i];
      try {
        if (target.startsWith(CHANNEL)) {
          session.sayIn(target, text, style);
        } else {
          String away = session.whisper(target, text, style);
          if (away != null && !notice) {
            client.reply(Numeric.RPL_AWAY, target, away);
          }
        }
      } catch (ChatException e) {
        if (!notice) {
          refuse(client, e, target, target, message.command());
        }
      }
    }
  }

  private static void names(IrcCommands commands, IrcMember client, Message message) {
    if (message.size() == 0) {
      client.reply(Numeric.RPL_ENDOFNAMES, "*", "End of /NAMES list");
      return;
    }
    for (String channel : message.param(0).split(",")) {
      try {
        RoomView view = client.session.view(channel);
        client.send(
            commands.format.names(
                client.nick,
                CHANNEL + view.name(),
                view.settings().secret(),
                view.occupants(),
                client.multiPrefix));
      } catch (ChatException e) {
        client.reply(Numeric.RPL_ENDOFNAMES, channel, "End of /NAMES list");
      }
    }
  }

  private static void topic(IrcCommands commands, IrcMember client, Message message) {
    String channel = message.param(0);
    Session session = client.session;
    try {
      if (message.size() == 1) {
        RoomView view = session.view(channel);
        if (view.topic() == null) {
          client.reply(Numeric.RPL_NOTOPIC, CHANNEL + view.name(), "No topic is set");
        } else {
          client.send(commands.format.topic(client.nick, CHANNEL + view.name(), view.topic()));
        }
      } else {
        session.setTopic(channel, message.param(1));
      }
    } catch (ChatException e) {
      commands.refuse(client, e, channel, null, "TOPIC");
    }
  }

  private static void list(IrcCommands commands, IrcMember client, Message message) {
    Session session = client.session;
    List<RoomView> rooms;
    if (message.size() > 0 && message.param(0).startsWith(CHANNEL)) {
      rooms = new ArrayList<>();
      for (String channel : message.param(0).split(",")) {
        try {
          rooms.add(session.view(channel));
        } catch (ChatException e) {
          // a channel that does not exist (or that this client may not see) is left out
        }
      }
    } else {
      try {
        rooms = session.listRooms();
      } catch (ChatException e) {
        commands.refuse(client, e, null, null, "LIST");
        return;
      }
    }
    for (RoomView room : rooms) {
      client.reply(
          Numeric.RPL_LIST,
          CHANNEL + room.name(),
          Integer.toString(room.size()),
          room.topic() == null ? "" : room.topic().text());
    }
    client.reply(Numeric.RPL_LISTEND, "End of /LIST");
  }

  private static void who(IrcCommands commands, IrcMember client, Message message) {
    String mask = message.size() == 0 ? "*" : message.param(0);
    Session session = client.session;
    if (mask.startsWith(CHANNEL)) {
      try {
        RoomView view = session.view(mask);
        for (Occupant occupant : view.occupants()) {
          commands.whoReply(client, CHANNEL + view.name(), occupant);
        }
      } catch (ChatException e) {
        // an unknown channel lists nobody
      }
    } else if (mask.indexOf('*') < 0 && mask.indexOf('?') < 0) {
      commands.whoReply(client, "*", new Occupant(mask, false, false));
    }
    client.reply(Numeric.RPL_ENDOFWHO, mask, "End of WHO list");
  }

  /** RPL_WHOREPLY for one member ({@code channel} {@code *} when asked by nick). */
  private void whoReply(IrcMember client, String channel, Occupant occupant) {
    Profile profile;
    try {
      profile = client.session.whois(occupant.name());
    } catch (ChatException gone) {
      return; // left meanwhile
    }
    String flags =
        (profile.away() == null ? "H" : "G")
            + (profile.operator() ? "*" : "")
            + IrcFormat.prefix(occupant, client.multiPrefix);
    client.reply(
        Numeric.RPL_WHOREPLY,
        channel,
        profile.origin().user(),
        profile.origin().host(),
        format.server(),
        profile.name(),
        flags,
        "0 " + profile.origin().realName());
  }

  private static void whois(IrcCommands commands, IrcMember client, Message message) {
    String asked = message.param(message.size() - 1);
    String nick = asked.split(",")[0];
    Profile profile;
    try {
      profile = client.session.whois(nick);
    } catch (ChatException e) {
      client.reply(Numeric.ERR_NOSUCHNICK, nick, "No such nick/channel");
      client.reply(Numeric.RPL_ENDOFWHOIS, asked, "End of /WHOIS list");
      return;
    }
    String name = profile.name();
    client.reply(
        Numeric.RPL_WHOISUSER,
        name,
        profile.origin().user(),
        profile.origin().host(),
        "*",
        profile.origin().realName());
    if (!profile.rooms().isEmpty()) {
      StringBuilder rooms = new StringBuilder();
      for (Profile.RoomRole role : profile.rooms()) {
        if (rooms.length() > 0) {
          rooms.append(' ');
        }
        rooms
            .append(IrcFormat.prefix(role.operator(), role.voiced(), client.multiPrefix))
            .append(CHANNEL)
            .append(role.room());
      }
      client.reply(Numeric.RPL_WHOISCHANNELS, name, rooms.toString());
    }
    client.reply(
        Numeric.RPL_WHOISSERVER,
        name,
        commands.format.server(),
        "switchboard chat, through its " + profile.origin().front() + " front");
    if (profile.away() != null) {
      client.reply(Numeric.RPL_AWAY, name, profile.away());
    }
    if (profile.operator()) {
      client.reply(Numeric.RPL_WHOISOPERATOR, name, "is an IRC operator");
    }
    long idle =
        Math.max(
            0, java.time.Instant.now().getEpochSecond() - profile.lastActive().getEpochSecond());
    client.reply(
        Numeric.RPL_WHOISIDLE,
        name,
        Long.toString(idle),
        Long.toString(profile.signedOn().getEpochSecond()),
        "seconds idle, signon time");
    client.reply(Numeric.RPL_ENDOFWHOIS, asked, "End of /WHOIS list");
  }

  private static void away(IrcCommands commands, IrcMember client, Message message) {
    String text = message.param(0);
    client.session.setAway(text);
    if (client.session.away() == null) {
      client.reply(Numeric.RPL_UNAWAY, "You are no longer marked as being away");
    } else {
      client.reply(Numeric.RPL_NOWAWAY, "You have been marked as being away");
    }
  }

  /** USERHOST: {@code nick[*]=+user@host} for up to five nicks ({@code -} when away). */
  private static void userhost(IrcCommands commands, IrcMember client, Message message) {
    StringBuilder replies = new StringBuilder();
    for (String nick : message.params().subList(0, Math.min(5, message.size()))) {
      try {
        Profile profile = client.session.whois(nick);
        if (replies.length() > 0) {
          replies.append(' ');
        }
        replies
            .append(profile.name())
            .append(profile.operator() ? "*" : "")
            .append('=')
            .append(profile.away() == null ? '+' : '-')
            .append(profile.origin().address());
      } catch (ChatException e) {
        // a nick nobody has is left out
      }
    }
    client.reply(Numeric.RPL_USERHOST, replies.toString());
  }

  /** ISON: which of the nicks given are connected now. */
  private static void ison(IrcCommands commands, IrcMember client, Message message) {
    List<String> online = new ArrayList<>();
    for (String param : message.params()) {
      for (String nick : param.split(" ")) {
        if (!nick.isEmpty() && commands.hub.isNameTaken(nick)) {
          online.add(nick);
        }
      }
    }
    client.reply(Numeric.RPL_ISON, String.join(" ", online));
  }

  private static void kick(IrcCommands commands, IrcMember client, Message message) {
    String channel = message.param(0);
    String reason = message.param(2);
    if (reason != null && reason.codePointCount(0, reason.length()) > KICKLEN) {
      reason = reason.substring(0, reason.offsetByCodePoints(0, KICKLEN));
    }
    for (String nick : message.param(1).split(",")) {
      try {
        client.session.kick(channel, nick, reason);
      } catch (ChatException e) {
        commands.refuse(client, e, channel, nick, "KICK");
      }
    }
  }

  private static void invite(IrcCommands commands, IrcMember client, Message message) {
    String nick = message.param(0);
    String channel = message.param(1);
    try {
      client.session.invite(nick, channel);
      client.reply(Numeric.RPL_INVITING, nick, channel);
    } catch (ChatException e) {
      commands.refuse(client, e, channel, nick, "INVITE");
    }
  }

  private static void history(IrcCommands commands, IrcMember client, Message message) {
    String channel = message.param(0);
    int count = commands.hub.settings().historySize();
    if (message.size() > 1) {
      try {
        count = Math.min(count, Integer.parseInt(message.param(1)));
      } catch (NumberFormatException e) {
        client.reply(Numeric.ERR_NEEDMOREPARAMS, "HISTORY", "HISTORY #channel [count]");
        return;
      }
    }
    try {
      client.session.history(channel, count);
    } catch (ChatException e) {
      commands.refuse(client, e, channel, null, "HISTORY");
    }
  }

  // ---- Modes ---------------------------------------------------------------------------------

  private static void mode(IrcCommands commands, IrcMember client, Message message) {
    if (message.param(0).startsWith(CHANNEL)) {
      commands.channelMode(client, message);
    } else {
      commands.userMode(client, message);
    }
  }

  private void userMode(IrcMember client, Message message) {
    Session session = client.session;
    if (!NameRules.key(message.param(0)).equals(NameRules.key(client.nick))) {
      client.reply(
          Numeric.ERR_USERSDONTMATCH,
          message.size() == 1
              ? "Can't view modes for other users"
              : "Can't change mode for other users");
      return;
    }
    if (message.size() == 1) {
      client.reply(
          Numeric.RPL_UMODEIS,
          "+" + (session.isInvisible() ? "i" : "") + (session.isOperator() ? "o" : ""));
      return;
    }
    StringBuilder applied = new StringBuilder();
    boolean on = true;
    Boolean shown = null;
    boolean unknown = false;
    String letters = message.param(1);
    for (int i = 0; i < letters.length(); i++) {
      char letter = letters.charAt(i);
      switch (letter) {
        case '+' -> on = true;
        case '-' -> on = false;
        case 'i' -> {
          if (session.isInvisible() != on) {
            session.setInvisible(on);
            shown = sign(applied, shown, on);
            applied.append('i');
          }
        }
        case 'o' -> {
          if (!on && session.isOperator()) { // +o only through OPER
            session.stepDown();
            shown = sign(applied, shown, false);
            applied.append('o');
          }
        }
        default -> unknown = true;
      }
    }
    if (unknown) {
      client.reply(Numeric.ERR_UMODEUNKNOWNFLAG, "Unknown MODE flag");
    }
    if (applied.length() > 0) {
      client.send(format.userMode(client.nick, client.address(), applied.toString()));
    }
  }

  private static Boolean sign(StringBuilder applied, Boolean shown, boolean on) {
    if (shown == null || shown != on) {
      applied.append(on ? '+' : '-');
    }
    return on;
  }

  private void channelMode(IrcMember client, Message message) {
    String channel = message.param(0);
    Session session = client.session;
    RoomView view;
    try {
      view = session.view(channel);
    } catch (ChatException e) {
      refuse(client, e, channel, null, "MODE");
      return;
    }
    String shown = CHANNEL + view.name();
    if (message.size() == 1) {
      List<String> params = new ArrayList<>();
      params.add(shown);
      params.addAll(IrcFormat.modes(view.settings()));
      client.reply(Numeric.RPL_CHANNELMODEIS, params.toArray(String[]::new));
      client.reply(Numeric.RPL_CREATIONTIME, shown, Long.toString(view.created().getEpochSecond()));
      return;
    }
    List<RoomChange> changes = new ArrayList<>();
    boolean banList = false;
    boolean on = true;
    int argument = 2;
    String letters = message.param(1);
    for (int i = 0; i < letters.length(); i++) {
      char letter = letters.charAt(i);
      if (letter == '+' || letter == '-') {
        on = letter == '+';
        continue;
      }
      Setting setting = IrcFormat.setting(letter);
      if (setting == null) {
        client.reply(Numeric.ERR_UNKNOWNMODE, String.valueOf(letter), "is unknown mode char to me");
        continue;
      }
      boolean takes =
          setting.isRole()
              || setting == Setting.BAN
              || setting == Setting.KEY
              || (setting == Setting.LIMIT && on);
      String value = takes && argument < message.size() ? message.param(argument++) : null;
      if (setting == Setting.BAN && value == null) {
        banList = true;
        continue;
      }
      if (takes && value == null && (on || setting.isRole())) {
        client.reply(Numeric.ERR_NEEDMOREPARAMS, "MODE", "Not enough parameters");
        continue;
      }
      if (changes.size() < MAX_MODES) {
        changes.add(new RoomChange(setting, on, value));
      }
    }
    if (banList) {
      for (var ban : view.bans()) {
        client.reply(
            Numeric.RPL_BANLIST,
            shown,
            ban.mask(),
            ban.setBy(),
            Long.toString(ban.setAt().getEpochSecond()));
      }
      client.reply(Numeric.RPL_ENDOFBANLIST, shown, "End of channel ban list");
    }
    if (changes.isEmpty()) {
      return;
    }
    RoomChanges result;
    try {
      result = session.changeRoom(channel, changes);
    } catch (ChatException e) {
      refuse(client, e, channel, null, "MODE");
      return;
    }
    for (RoomChanges.Refused refused : result.refused()) {
      RoomChange change = refused.change();
      if (change.setting().isRole()) {
        refuse(client, refused.why(), shown, change.argument(), "MODE");
      } else if (change.setting() == Setting.BAN
          && refused.why().getMessage().contains("at most")) {
        client.reply(Numeric.ERR_BANLISTFULL, shown, change.argument(), refused.why().getMessage());
      } else {
        client.reply(
            Numeric.ERR_INVALIDMODEPARAM,
            shown,
            String.valueOf(IrcFormat.letter(change.setting())),
            change.argument() == null ? "*" : change.argument(),
            refused.why().getMessage());
      }
    }
  }

  // ---- Operators -----------------------------------------------------------------------------

  private static void oper(IrcCommands commands, IrcMember client, Message message) {
    if (commands.settings.operators() == null) {
      client.reply(
          Numeric.ERR_NOOPERHOST, "No O-lines for your host: this server has no operators");
      return;
    }
    commands.front.checkOperator(client, message.param(0), message.param(1));
  }

  /** The answer to OPER once the password was checked (see {@link IrcFront#checkOperator}). */
  void operChecked(IrcMember client, boolean valid) {
    if (!valid) {
      client.reply(Numeric.ERR_PASSWDMISMATCH, "Password incorrect");
      return;
    }
    client.session.becomeOperator();
    client.reply(Numeric.RPL_YOUREOPER, "You are now an IRC operator");
    client.send(format.userMode(client.nick, client.address(), "+o"));
  }

  // ---- The pieces ----------------------------------------------------------------------------

  private static boolean exists(Session session, String channel) {
    try {
      session.view(channel);
      return true;
    } catch (ChatException e) {
      return false;
    }
  }

  private static ChatException noSuchRoom() {
    return new ChatException(ChatException.Code.NO_SUCH_ROOM, "No such channel");
  }

  /** The hub's refusal as the numeric IRC clients know for it. */
  private void refuse(
      IrcMember client, ChatException e, String channel, String nick, String command) {
    String why = e.getMessage();
    String ch = channel == null ? "*" : channel;
    String who = nick == null ? "*" : nick;
    switch (e.code()) {
      case NO_SUCH_ROOM, INVALID_ROOM -> client.reply(Numeric.ERR_NOSUCHCHANNEL, ch, why);
      case NO_SUCH_NAME -> client.reply(Numeric.ERR_NOSUCHNICK, who, "No such nick/channel");
      case NOT_IN_ROOM, NO_ROOM -> client.reply(Numeric.ERR_NOTONCHANNEL, ch, why);
      case TOO_MANY_ROOMS, TOO_MANY_JOINED -> client.reply(Numeric.ERR_TOOMANYCHANNELS, ch, why);
      case CANNOT_SEND -> client.reply(Numeric.ERR_CANNOTSENDTOCHAN, ch, why);
      case NOT_OPERATOR -> client.reply(Numeric.ERR_CHANOPRIVSNEEDED, ch, why);
      case BANNED -> client.reply(Numeric.ERR_BANNEDFROMCHAN, ch, why);
      case INVITE_ONLY -> client.reply(Numeric.ERR_INVITEONLYCHAN, ch, why);
      case ROOM_FULL -> client.reply(Numeric.ERR_CHANNELISFULL, ch, why);
      case BAD_KEY -> client.reply(Numeric.ERR_BADCHANNELKEY, ch, why);
      case TARGET_NOT_IN_ROOM -> client.reply(Numeric.ERR_USERNOTINCHANNEL, who, ch, why);
      case ALREADY_IN_ROOM -> client.reply(Numeric.ERR_USERONCHANNEL, who, ch, why);
      case NAME_TAKEN -> client.reply(Numeric.ERR_NICKNAMEINUSE, who, "Nickname is already in use");
      case INVALID_NAME -> client.reply(Numeric.ERR_ERRONEUSNICKNAME, who, why);
      case FLOOD -> client.reply(Numeric.RPL_TRYAGAIN, command, why);
      case BUS_UNAVAILABLE -> client.reply(Numeric.ERR_UNKNOWNERROR, command, why);
      default -> client.reply(Numeric.ERR_UNKNOWNERROR, command, why);
    }
  }
}
