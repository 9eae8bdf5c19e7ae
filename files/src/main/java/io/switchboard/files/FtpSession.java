package io.switchboard.files;

import io.switchboard.engine.Connection;
import io.switchboard.files.FilesSettings.Anonymous;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One control connection: its login, its directory, its pending REST and RNFR, its data link and
 * the transfer in progress; the command table and every reply. Replies follow RFC 959 and what real
 * clients expect of them (lftp and ftplib use PASV, curl tries EPSV first and sends SIZE before
 * RETR, ftplib wants a 1xx then a 2xx around each transfer and a 3xx for RNFR).
 *
 * <p>How a transfer ends decides what the client hears: a download ends with 226 once every byte
 * was written, or 426. An upload is complete only if its data connection ended cleanly <em>and</em>
 * the control connection is still there {@link FilesSettings#uploadSettle} later: a killed client's
 * two connections end together, and its file must not appear. Only then is the temporary file
 * renamed into place and 226 sent; otherwise it is deleted.
 *
 * <p>Work that would hold up an event loop runs elsewhere, with the control connection's reading
 * paused meanwhile so commands keep their order: a password check (slow by design) and starting a
 * passive data server. A command that arrives while a transfer runs waits for its end, except ABOR,
 * QUIT, NOOP and STAT.
 *
 * <p>Thread contract: one lock, this object's monitor, guards all state, whoever calls: the control
 * connection's handler context, the data connection's threads, the timer, the login thread. Calls
 * out of the lock are never made to something that waits for another session's lock.
 */
final class FtpSession {
  private static final System.Logger LOG = System.getLogger(FtpSession.class.getName());
  private static final Set<String> ANONYMOUS_NAMES = Set.of("anonymous", "ftp");
  private static final Set<String> DURING_TRANSFER = Set.of("ABOR", "QUIT", "NOOP", "STAT");

  /** Who may run a command. */
  private enum Access {
    /** Before login too: USER, PASS, FEAT, SYST, QUIT. */
    ANYONE,
    LOGGED_IN,
    /** Logged in with a password: anonymous users are read-only. */
    WRITER
  }

  private record Command(Access access, BiConsumer<FtpSession, String> action) {}

  /** The command table (Ergo's shape: one handler per command, found by name). */
  private static final Map<String, Command> COMMANDS =
      Map.ofEntries(
          Map.entry("USER", new Command(Access.ANYONE, FtpSession::user)),
          Map.entry("PASS", new Command(Access.ANYONE, FtpSession::pass)),
          Map.entry("FEAT", new Command(Access.ANYONE, FtpSession::feat)),
          Map.entry("SYST", new Command(Access.ANYONE, (s, a) -> s.reply(215, "UNIX Type: L8"))),
          Map.entry("QUIT", new Command(Access.ANYONE, FtpSession::quit)),
          Map.entry("NOOP", new Command(Access.LOGGED_IN, (s, a) -> s.reply(200, "NOOP ok."))),
          Map.entry("OPTS", new Command(Access.LOGGED_IN, FtpSession::opts)),
          Map.entry("PWD", new Command(Access.LOGGED_IN, FtpSession::pwd)),
          Map.entry("XPWD", new Command(Access.LOGGED_IN, FtpSession::pwd)),
          Map.entry("CWD", new Command(Access.LOGGED_IN, FtpSession::cwd)),
          Map.entry("XCWD", new Command(Access.LOGGED_IN, FtpSession::cwd)),
          Map.entry("CDUP", new Command(Access.LOGGED_IN, (s, a) -> s.cwd(".."))),
          Map.entry("XCUP", new Command(Access.LOGGED_IN, (s, a) -> s.cwd(".."))),
          Map.entry("TYPE", new Command(Access.LOGGED_IN, FtpSession::type)),
          Map.entry("MODE", new Command(Access.LOGGED_IN, FtpSession::mode)),
          Map.entry("STRU", new Command(Access.LOGGED_IN, FtpSession::stru)),
          Map.entry("PASV", new Command(Access.LOGGED_IN, (s, a) -> s.passive(false, a))),
          Map.entry("EPSV", new Command(Access.LOGGED_IN, (s, a) -> s.passive(true, a))),
          Map.entry("PORT", new Command(Access.LOGGED_IN, FtpSession::port)),
          Map.entry("EPRT", new Command(Access.LOGGED_IN, FtpSession::eprt)),
          Map.entry("LIST", new Command(Access.LOGGED_IN, (s, a) -> s.list(Listing.Form.LIST, a))),
          Map.entry("NLST", new Command(Access.LOGGED_IN, (s, a) -> s.list(Listing.Form.NLST, a))),
          Map.entry("MLSD", new Command(Access.LOGGED_IN, (s, a) -> s.list(Listing.Form.MLSD, a))),
          Map.entry("MLST", new Command(Access.LOGGED_IN, FtpSession::mlst)),
          Map.entry("RETR", new Command(Access.LOGGED_IN, FtpSession::retr)),
          Map.entry("STOR", new Command(Access.WRITER, (s, a) -> s.store(a, false))),
          Map.entry("APPE", new Command(Access.WRITER, (s, a) -> s.store(a, true))),
          Map.entry("REST", new Command(Access.LOGGED_IN, FtpSession::rest)),
          Map.entry("SIZE", new Command(Access.LOGGED_IN, FtpSession::size)),
          Map.entry("MDTM", new Command(Access.LOGGED_IN, FtpSession::mdtm)),
          Map.entry("DELE", new Command(Access.WRITER, FtpSession::dele)),
          Map.entry("MKD", new Command(Access.WRITER, FtpSession::mkd)),
          Map.entry("XMKD", new Command(Access.WRITER, FtpSession::mkd)),
          Map.entry("RMD", new Command(Access.WRITER, FtpSession::rmd)),
          Map.entry("XRMD", new Command(Access.WRITER, FtpSession::rmd)),
          Map.entry("RNFR", new Command(Access.WRITER, FtpSession::rnfr)),
          Map.entry("RNTO", new Command(Access.WRITER, FtpSession::rnto)),
          Map.entry("ABOR", new Command(Access.LOGGED_IN, FtpSession::abor)),
          Map.entry("STAT", new Command(Access.LOGGED_IN, FtpSession::stat)));

  private final FilesServer files;
  private final FileRoot root;
  private final Connection control;
  private final InetAddress peer;

  // Guarded by this:
  private String pendingUser;
  private String user;
  private boolean anonymous;
  private int failedLogins;
  private String cwd = "/";
  private boolean binary = true;
  private long restart;
  private String renameFrom;
  private boolean epsvAll;
  private DataLink link;
  private Transfer current;

  /** The link {@link #current} moves through, so ABOR and the session's end can stop it. */
  private DataLink running;

  private boolean busy;
  private final Deque<String> waiting = new ArrayDeque<>();
  private boolean closed;
  private long lastCommandNanos = System.nanoTime();

  FtpSession(FilesServer files, Connection control, InetAddress peer) {
    this.files = files;
    this.root = files.root();
    this.control = control;
    this.peer = peer;
  }

  synchronized void greet() {
    reply(220, "Switchboard FTP server ready.");
    watchIdle();
  }

  // ---- Dispatch -------------------------------------------------------------------------------

  synchronized void received(String line) {
    lastCommandNanos = System.nanoTime();
    // A bare CR ends a command too: a client that sends ABOR's last byte as TCP urgent data (Telnet
    // Synch, as ftplib does) has it removed from the stream, and the CR is all that is left.
    for (String part : line.split("\r")) {
      if (busy || (current != null && !DURING_TRANSFER.contains(verb(part)))) {
        waiting.add(part);
        control.pauseReading(); // until the transfer or the check ends; ordering is kept
      } else {
        execute(part);
      }
    }
  }

  /** Runs commands held back while busy, then lets the client's next ones in. */
  private void runWaiting() {
    while (!waiting.isEmpty() && !busy && current == null && !closed) {
      execute(waiting.poll());
    }
    if (waiting.isEmpty() && !busy && !closed) {
      control.resumeReading();
    }
  }

  private static String verb(String line) {
    String text = stripTelnet(line);
    int space = text.indexOf(' ');
    return (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
  }

  /** Drops Telnet IAC sequences (IP, DM) some clients put before ABOR; they arrive as U+FFFD. */
  private static String stripTelnet(String line) {
    int start = 0;
    while (start < line.length() && !Character.isLetter(line.charAt(start))) {
      start++;
    }
    return line.substring(start);
  }

  private void execute(String line) {
    String text = stripTelnet(line);
    if (text.isBlank()) {
      return;
    }
    int space = text.indexOf(' ');
    String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    String argument = space < 0 ? "" : text.substring(space + 1);
    Command command = COMMANDS.get(verb);
    if (command == null) {
      reply(502, "Command not implemented.");
      return;
    }
    if (command.access() != Access.ANYONE && user == null) {
      reply(530, "Please login with USER and PASS.");
      return;
    }
    if (command.access() == Access.WRITER && anonymous) {
      reply(550, "Permission denied (anonymous access is read-only).");
      return;
    }
    if (!verb.equals("RNTO")) {
      renameFrom = verb.equals("RNFR") ? renameFrom : null;
    }
    command.action().accept(this, argument);
  }

  private void reply(int code, String text) {
    control.send(code + " " + text + "\r\n");
  }

  /**
   * A multi-line reply: {@code code-first}, the lines (each starting with a space), {@code code
   * last}.
   */
  private void reply(int code, String first, List<String> lines, String last) {
    StringBuilder out = new StringBuilder().append(code).append('-').append(first).append("\r\n");
    for (String line : lines) {
      out.append(' ').append(line).append("\r\n");
    }
    control.send(out.append(code).append(' ').append(last).append("\r\n"));
  }

  // ---- Login ----------------------------------------------------------------------------------

  private void user(String name) {
    if (user != null) {
      reply(530, "Can't change to another user.");
      return;
    }
    pendingUser = name.strip();
    reply(331, "Please specify the password.");
  }

  private void pass(String password) {
    if (user != null) {
      reply(230, "Already logged in.");
      return;
    }
    String name = pendingUser;
    pendingUser = null;
    if (name == null) {
      reply(503, "Login with USER first.");
      return;
    }
    if (ANONYMOUS_NAMES.contains(name.toLowerCase(Locale.ROOT))
        && files.settings().anonymous() == Anonymous.READ_ONLY) {
      user = name;
      anonymous = true;
      reply(230, "Login successful (anonymous, read-only).");
      return;
    }
    UsersFile users = files.settings().users();
    char[] secret = password.toCharArray();
    busy = true;
    files.hash(() -> loginChecked(name, users != null && users.verify(name, secret)));
  }

  private synchronized void loginChecked(String name, boolean valid) {
    if (closed) {
      return;
    }
    if (valid) {
      user = name;
      failedLogins = 0;
      reply(230, "Login successful.");
      busy = false;
      runWaiting();
      return;
    }
    failedLogins++;
    LOG.log(
        System.Logger.Level.INFO,
        "failed login for {0} from {1} ({2} so far)",
        name,
        peer.getHostAddress(),
        failedLogins);
    // vsftpd's delay_failed_login: guessing costs the guesser time, and the reply waits too.
    files.schedule(files.settings().delayFailedLogin(), this::loginRefused);
  }

  private synchronized void loginRefused() {
    if (closed) {
      return;
    }
    reply(530, "Login incorrect.");
    if (failedLogins >= files.settings().maxLoginFails()) {
      control.close();
      return;
    }
    busy = false;
    runWaiting();
  }

  private void quit(String argument) {
    reply(221, "Goodbye.");
    control.close();
  }

  private void feat(String argument) {
    List<String> features =
        files.settings().activeEnabled()
            ? List.of(
                "EPRT",
                "EPSV",
                "MDTM",
                "MLST type*;size*;modify*;perm*;",
                "PASV",
                "REST STREAM",
                "SIZE",
                "TVFS",
                "UTF8")
            : List.of(
                "EPSV",
                "MDTM",
                "MLST type*;size*;modify*;perm*;",
                "PASV",
                "REST STREAM",
                "SIZE",
                "TVFS",
                "UTF8");
    reply(211, "Features:", features, "End");
  }

  private void opts(String argument) {
    String option = argument.strip().toUpperCase(Locale.ROOT);
    if (option.equals("UTF8 ON") || option.equals("UTF8") || option.equals("UTF-8 ON")) {
      reply(200, "Always in UTF8 mode.");
    } else if (option.startsWith("MLST")) {
      reply(200, "MLST OPTS type;size;modify;perm;");
    } else {
      reply(501, "Option not understood.");
    }
  }

  // ---- Navigation and settings ----------------------------------------------------------------

  private void pwd(String argument) {
    reply(257, quoted(cwd) + " is the current directory");
  }

  /** RFC 959's quoting for 257 replies: the path in double quotes, a quote in it doubled. */
  private static String quoted(String path) {
    return "\"" + path.replace("\"", "\"\"") + "\"";
  }

  private void cwd(String argument) {
    try {
      String target = root.virtualPath(cwd, argument.isEmpty() ? "/" : argument);
      root.directory(target);
      cwd = target;
      reply(250, "Directory successfully changed.");
    } catch (IOException e) {
      reply(550, "Failed to change directory: " + FileRoot.reason(e));
    }
  }

  private void type(String argument) {
    String type = argument.strip().toUpperCase(Locale.ROOT);
    if (type.equals("I") || type.equals("L 8") || type.equals("L8")) {
      binary = true;
      reply(200, "Switching to Binary mode.");
    } else if (type.equals("A") || type.equals("A N")) {
      // As vsftpd by default: ASCII mode sends the bytes unchanged (the files are Unix text).
      binary = false;
      reply(200, "Switching to ASCII mode.");
    } else {
      reply(504, "Bad TYPE command.");
    }
  }

  private void mode(String argument) {
    if (argument.strip().equalsIgnoreCase("S")) {
      reply(200, "Mode set to S.");
    } else {
      reply(504, "Bad MODE command (only S, stream).");
    }
  }

  private void stru(String argument) {
    if (argument.strip().equalsIgnoreCase("F")) {
      reply(200, "Structure set to F.");
    } else {
      reply(504, "Bad STRU command (only F, file).");
    }
  }

  private void stat(String argument) {
    if (!argument.isBlank()) {
      reply(502, "STAT with a path is not implemented; use LIST.");
      return;
    }
    reply(
        211,
        "Switchboard FTP status:",
        List.of(
            "Logged in as " + user + (anonymous ? " (anonymous, read-only)" : ""),
            "TYPE: " + (binary ? "BINARY" : "ASCII"),
            current == null ? "No transfer in progress" : "Transferring: " + current),
        "End of status");
  }

  // ---- Data connections -----------------------------------------------------------------------

  private void passive(boolean extended, String argument) {
    String option = argument.strip().toUpperCase(Locale.ROOT);
    InetAddress local = ((InetSocketAddress) control.localAddress()).getAddress();
    if (extended && option.equals("ALL")) {
      epsvAll = true;
      reply(200, "EPSV ALL ok.");
      return;
    }
    if (!extended && epsvAll) {
      reply(501, "PASV not allowed after EPSV ALL.");
      return;
    }
    if (!extended && !(local instanceof Inet4Address)) {
      reply(425, "PASV names IPv4 addresses only; use EPSV.");
      return;
    }
    if (extended
        && !option.isEmpty()
        && !option.equals(local instanceof Inet6Address ? "2" : "1")) {
      reply(522, "Network protocol not supported, use (" + protocolNumber(local) + ")");
      return;
    }
    dropLink();
    busy = true;
    control.pauseReading();
    Thread.ofVirtual()
        .name("files-pasv")
        .start(
            () -> {
              PassiveData data;
              try {
                data = PassiveData.open(this, files, local, peer);
              } catch (IOException e) {
                passiveFailed(e);
                return;
              }
              passiveOpened(data, local, extended);
            });
  }

  private synchronized void passiveOpened(PassiveData data, InetAddress local, boolean extended) {
    if (closed) {
      data.abort();
      return;
    }
    link = data;
    int port = data.port();
    if (extended) {
      reply(229, "Entering Extended Passive Mode (|||" + port + "|)");
    } else {
      byte[] a = local.getAddress();
      reply(
          227,
          String.format(
              Locale.ROOT,
              "Entering Passive Mode (%d,%d,%d,%d,%d,%d).",
              a[0] & 0xff,
              a[1] & 0xff,
              a[2] & 0xff,
              a[3] & 0xff,
              port >> 8,
              port & 0xff));
    }
    busy = false;
    runWaiting();
  }

  private synchronized void passiveFailed(IOException e) {
    LOG.log(System.Logger.Level.WARNING, "cannot open a passive port: {0}", e.toString());
    if (!closed) {
      reply(425, "Can't open passive connection.");
      busy = false;
      runWaiting();
    }
  }

  private static int protocolNumber(InetAddress address) {
    return address instanceof Inet6Address ? 2 : 1;
  }

  private void port(String argument) {
    if (!activeAllowed()) {
      return;
    }
    String[] parts = argument.strip().split(",");
    try {
      if (parts.length != 6) {
        throw new IllegalArgumentException();
      }
      byte[] address = new byte[4];
      for (int i = 0; i < 4; i++) {
        address[i] = (byte) octet(parts[i]);
      }
      int port = octet(parts[4]) << 8 | octet(parts[5]);
      activeTo(InetAddress.getByAddress(address), port, "PORT");
    } catch (IllegalArgumentException | UnknownHostException e) {
      reply(501, "Illegal PORT command.");
    }
  }

  private static int octet(String text) {
    int value = Integer.parseInt(text.strip());
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException();
    }
    return value;
  }

  private void eprt(String argument) {
    if (!activeAllowed()) {
      return;
    }
    String text = argument.strip();
    if (text.length() < 2) {
      reply(501, "Illegal EPRT command.");
      return;
    }
    String[] parts = text.substring(1).split(java.util.regex.Pattern.quote(text.substring(0, 1)));
    try {
      if (parts.length != 3 || !(parts[0].equals("1") || parts[0].equals("2"))) {
        reply(522, "Network protocol not supported, use (" + protocolNumber(peer) + ")");
        return;
      }
      // A literal address only: the argument must not make the server resolve names.
      if (!parts[1].matches("[0-9A-Fa-f:.]+")) {
        throw new IllegalArgumentException();
      }
      activeTo(InetAddress.getByName(parts[1]), Integer.parseInt(parts[2]), "EPRT");
    } catch (IllegalArgumentException | UnknownHostException e) {
      reply(501, "Illegal EPRT command.");
    }
  }

  private boolean activeAllowed() {
    if (!files.settings().activeEnabled()) {
      reply(502, "Active mode is off on this server; use PASV or EPSV.");
      return false;
    }
    if (epsvAll) {
      reply(501, "Not allowed after EPSV ALL.");
      return false;
    }
    return true;
  }

  /**
   * Active mode connects only to the client itself and only to an unprivileged port: otherwise a
   * client could make the server connect anywhere (the FTP bounce attack, RFC 2577).
   */
  private void activeTo(InetAddress address, int port, String command) {
    if (!address.equals(peer) || port < 1024 || port > 65_535) {
      reply(500, "Illegal " + command + " command: only your own address and a port >= 1024.");
      return;
    }
    dropLink();
    link = new ActiveData(this, files, new InetSocketAddress(address, port));
    reply(200, command + " command successful. Consider using PASV.");
  }

  /** Ends the data link set up before, if any (a new PASV or PORT replaces it). */
  private void dropLink() {
    if (link != null) {
      link.abort();
      link = null;
    }
  }

  /** Hands a transfer to the data link; 150 follows once its connection is there. */
  private void transfer(Transfer transfer) {
    if (link == null) {
      transfer.release();
      if (transfer instanceof Upload upload) {
        upload.discard();
      }
      reply(425, "Use PORT or PASV first.");
      return;
    }
    restart = 0;
    current = transfer;
    running = link;
    link = null; // one transfer per PASV or PORT
    running.start(transfer);
  }

  /** The data connection is there: 150, and the bytes may move (false if aborted meanwhile). */
  synchronized boolean dataReady(Transfer transfer) {
    if (transfer != current || closed) {
      return false;
    }
    reply(150, transfer.toString());
    return true;
  }

  /**
   * The data link's end of {@code transfer}: {@code failure} is null when the bytes all moved. The
   * first of the data end, ABOR and the session's end to get here decides; the others only clean
   * up.
   */
  synchronized void dataEnded(Transfer transfer, Throwable failure) {
    boolean ours = transfer == current && !closed;
    if (transfer instanceof Upload upload) {
      upload.release();
      if (!ours || (failure != null && !upload.inPlace())) {
        upload.discard();
      }
      if (ours && failure == null && !upload.inPlace()) {
        // Not yet: the control connection must outlive the data connection (see the class comment).
        files.schedule(files.settings().uploadSettle(), () -> settle(upload));
        return;
      }
    } else {
      transfer.release();
    }
    if (!ours) {
      return;
    }
    current = null;
    running = null;
    if (failure == null) {
      reply(226, transfer instanceof Upload ? "Transfer complete." : completion(transfer));
    } else if (failure instanceof DataLink.NoConnectionException) {
      reply(425, "Failed to establish connection.");
    } else if (failure instanceof DataLink.LocalWriteException local) {
      LOG.log(System.Logger.Level.WARNING, "upload failed: {0}", failure.toString());
      reply(
          local.diskFull() ? 452 : 451,
          local.diskFull()
              ? "Insufficient storage space; transfer aborted."
              : "Local error in processing; transfer aborted.");
    } else if (failure instanceof io.switchboard.engine.IdleTimeoutException) {
      reply(426, "Data connection timed out; transfer aborted.");
    } else {
      reply(426, "Connection closed; transfer aborted.");
    }
    runWaiting();
  }

  private static String completion(Transfer transfer) {
    return transfer.toString().startsWith("Here comes")
        ? "Directory send OK."
        : "Transfer complete.";
  }

  /** The settle time after an upload's data ended: rename into place, or drop it. */
  private synchronized void settle(Upload upload) {
    if (upload != current || closed) {
      upload.discard();
      return;
    }
    current = null;
    running = null;
    try {
      upload.commit();
      reply(226, "Transfer complete.");
    } catch (IOException e) {
      upload.discard();
      LOG.log(System.Logger.Level.WARNING, "could not put an upload in place: {0}", e.toString());
      reply(451, "Local error: could not put the file in place.");
    }
    runWaiting();
  }

  private void abor(String argument) {
    Transfer aborted = current;
    if (aborted == null) {
      dropLink();
      reply(225, "No transfer to ABOR.");
      return;
    }
    current = null;
    reply(426, "Connection closed; transfer aborted.");
    // The link's end (on its own thread, or the settle timer) finds the transfer no longer current
    // and only cleans up: an aborted upload is deleted.
    DataLink using = running;
    running = null;
    if (using != null) {
      using.abort();
    }
    reply(226, "ABOR successful.");
    runWaiting();
  }

  // ---- Listings -------------------------------------------------------------------------------

  private void list(Listing.Form form, String argument) {
    String path = argument.strip();
    // LIST -a, -l, -la as wget and lftp send them: options, not names.
    while (path.startsWith("-")) {
      int space = path.indexOf(' ');
      path = space < 0 ? "" : path.substring(space + 1).strip();
    }
    try {
      String target = root.virtualPath(cwd, path);
      Path real = root.existing(target);
      if (form == Listing.Form.MLSD && !Files.isDirectory(real)) {
        reply(501, "MLSD lists directories; use MLST for a file.");
        return;
      }
      Listing.Result listing = Listing.of(real, form, !anonymous);
      transfer(
          Download.ofBytes(
              "Here comes the directory listing"
                  + (listing.truncated() ? " (the first " + Listing.MAX_ENTRIES + " entries)" : "")
                  + ".",
              listing.bytes()));
    } catch (IOException e) {
      reply(550, "Failed to list: " + FileRoot.reason(e));
    }
  }

  private void mlst(String argument) {
    try {
      String target = root.virtualPath(cwd, argument.isBlank() ? "." : argument.strip());
      Path real = root.existing(target);
      reply(
          250, "Listing " + target, List.of(Listing.facts(real, !anonymous) + " " + target), "End");
    } catch (IOException e) {
      reply(550, "Could not list: " + FileRoot.reason(e));
    }
  }

  // ---- Files ----------------------------------------------------------------------------------

  private void retr(String argument) {
    long from = restart;
    restart = 0;
    FileChannel channel = null;
    try {
      String target = root.virtualPath(cwd, argument);
      Path file = root.file(target);
      channel = FileChannel.open(file);
      long size = channel.size();
      if (from > size) {
        channel.close();
        reply(554, "Restart position " + from + " is beyond the end of the file (" + size + ").");
        return;
      }
      Download download =
          Download.ofFile(
              "Opening "
                  + (binary ? "BINARY" : "ASCII")
                  + " mode data connection for "
                  + FileRoot.name(target)
                  + " ("
                  + (size - from)
                  + " bytes).",
              channel,
              from);
      transfer(download);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Nothing was sent from it.
        }
      }
      reply(550, "Failed to open file: " + FileRoot.reason(e));
    }
  }

  private void store(String argument, boolean append) {
    long from = restart;
    restart = 0;
    try {
      String target = root.virtualPath(cwd, argument);
      Path path = root.creatable(target);
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        reply(553, "Could not create file: a directory has that name.");
        return;
      }
      Upload upload;
      if (append) {
        upload = Upload.inPlace("Ok to send data.", path, 0, true);
      } else if (from > 0) {
        if (!Files.exists(path)) {
          reply(550, "Restart position " + from + " given for a file that does not exist.");
          return;
        }
        upload = Upload.inPlace("Ok to send data.", path, from, false);
      } else {
        upload = Upload.replacing("Ok to send data.", path);
      }
      transfer(upload);
    } catch (IOException e) {
      reply(553, "Could not create file: " + FileRoot.reason(e));
    }
  }

  private void rest(String argument) {
    try {
      long position = Long.parseLong(argument.strip());
      if (position < 0) {
        throw new NumberFormatException();
      }
      restart = position;
      reply(350, "Restart position accepted (" + position + ").");
    } catch (NumberFormatException e) {
      reply(501, "REST requires a value greater than or equal to 0.");
    }
  }

  private void size(String argument) {
    try {
      Path file = root.file(root.virtualPath(cwd, argument));
      reply(213, Long.toString(Files.size(file)));
    } catch (IOException e) {
      reply(550, "Could not get file size.");
    }
  }

  private void mdtm(String argument) {
    try {
      Path path = root.existing(root.virtualPath(cwd, argument));
      reply(213, Listing.FACT_TIME.format(Files.getLastModifiedTime(path).toInstant()));
    } catch (IOException e) {
      reply(550, "Could not get file modification time.");
    }
  }

  private void dele(String argument) {
    try {
      Path file = root.existing(root.virtualPath(cwd, argument));
      if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
        reply(550, "Delete operation failed: it is a directory; use RMD.");
        return;
      }
      Files.delete(file);
      reply(250, "Delete operation successful.");
    } catch (IOException e) {
      reply(550, "Delete operation failed: " + FileRoot.reason(e));
    }
  }

  private void mkd(String argument) {
    try {
      String target = root.virtualPath(cwd, argument);
      Files.createDirectory(root.creatable(target));
      reply(257, quoted(target) + " created");
    } catch (IOException e) {
      reply(550, "Create directory operation failed: " + FileRoot.reason(e));
    }
  }

  private void rmd(String argument) {
    try {
      String target = root.virtualPath(cwd, argument);
      if (target.equals("/")) {
        reply(550, "Remove directory operation failed: the root stays.");
        return;
      }
      Path directory = root.existing(target);
      if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        reply(550, "Remove directory operation failed: not a directory.");
        return;
      }
      Files.delete(directory);
      if (cwd.equals(target) || cwd.startsWith(target + "/")) {
        cwd = FileRoot.parent(target);
      }
      reply(250, "Remove directory operation successful.");
    } catch (IOException e) {
      reply(550, "Remove directory operation failed: " + FileRoot.reason(e));
    }
  }

  private void rnfr(String argument) {
    try {
      String source = root.virtualPath(cwd, argument);
      if (source.equals("/")) {
        throw new FileRoot.RefusedPathException("The root cannot be renamed.");
      }
      root.existing(source);
      renameFrom = source;
      reply(350, "Ready for RNTO.");
    } catch (IOException e) {
      renameFrom = null;
      reply(550, "RNFR command failed: " + FileRoot.reason(e));
    }
  }

  private void rnto(String argument) {
    String source = renameFrom;
    renameFrom = null;
    if (source == null) {
      reply(503, "RNFR required first.");
      return;
    }
    try {
      Path from = root.existing(source);
      String target = root.virtualPath(cwd, argument);
      Path to = root.creatable(target);
      if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
        reply(550, "Rename failed: a directory has that name.");
        return;
      }
      if (target.startsWith(source + "/")) {
        reply(550, "Rename failed: a directory cannot move into itself.");
        return;
      }
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      reply(250, "Rename successful.");
    } catch (IOException e) {
      reply(550, "Rename failed: " + FileRoot.reason(e));
    }
  }

  // ---- Time and the end -----------------------------------------------------------------------

  /** vsftpd's idle_session_timeout: no command for that long, and no transfer running. */
  private void watchIdle() {
    java.time.Duration timeout = files.settings().idleSessionTimeout();
    if (timeout.isZero()) {
      return;
    }
    long quiet = System.nanoTime() - lastCommandNanos;
    files.schedule(
        timeout.minusNanos(Math.max(0, Math.min(quiet, timeout.toNanos()))), this::idleCheck);
  }

  private synchronized void idleCheck() {
    if (closed) {
      return;
    }
    if (current != null || busy) {
      lastCommandNanos = System.nanoTime(); // a transfer is activity
    } else if (System.nanoTime() - lastCommandNanos
        >= files.settings().idleSessionTimeout().toNanos()) {
      reply(421, "Timeout.");
      control.close();
      return;
    }
    watchIdle();
  }

  /** The control connection closed: a transfer still running is aborted (an upload deleted). */
  synchronized void closed() {
    closed = true;
    dropLink();
    if (running != null) {
      running.abort();
      running = null;
    }
    waiting.clear();
  }
}
