package io.switchboard.files.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.io.CopyStreamAdapter;

/**
 * The file server's client: what the classic lesson's list/get/put did, done properly over FTP
 * (Apache Commons Net carries the protocol). Interactive ({@code ls}, {@code cd}, {@code pwd},
 * {@code get}, {@code put}, {@code mkdir}, {@code rm}, {@code quit}) or one command whose exit code
 * says whether it worked. Transfers show a progress bar with rate and ETA on the error stream; a
 * download goes to {@code NAME.part} and is renamed when complete, so a broken transfer never
 * leaves a file that looks whole.
 *
 * <p>Thread contract: one thread (the command line's).
 */
public final class FilesClient implements AutoCloseable {
  private final FTPClient ftp = new FTPClient();
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean progressBar;

  private FilesClient(PrintWriter out, PrintWriter err, boolean progressBar) {
    this.out = out;
    this.err = err;
    this.progressBar = progressBar;
  }

  /**
   * Connects and logs in ({@code user} null: anonymous), in passive mode, binary.
   *
   * @throws IOException with the server's words if it refused
   */
  public static FilesClient connect(
      InetSocketAddress server,
      String user,
      char[] password,
      PrintWriter out,
      PrintWriter err,
      boolean progressBar)
      throws IOException {
    FilesClient client = new FilesClient(out, err, progressBar);
    FTPClient ftp = client.ftp;
    ftp.setControlEncoding("UTF-8");
    ftp.setConnectTimeout(10_000);
    ftp.setDefaultTimeout(60_000);
    ftp.setDataTimeout(Duration.ofSeconds(60));
    ftp.connect(server.getAddress(), server.getPort());
    boolean loggedIn =
        user == null
            ? ftp.login("anonymous", "switchboard@")
            : ftp.login(user, new String(password));
    if (!loggedIn) {
      String why = ftp.getReplyString().strip();
      client.close();
      throw new IOException("login refused: " + why);
    }
    ftp.enterLocalPassiveMode();
    ftp.setFileType(FTP.BINARY_FILE_TYPE);
    return client;
  }

  /**
   * Runs one command line ({@code ls [DIR]}, {@code get NAME [LOCAL]}, ...).
   *
   * @return true if it worked; false after telling the error stream why
   */
  public boolean run(List<String> words) {
    if (words.isEmpty()) {
      return true;
    }
    String command = words.get(0).toLowerCase(Locale.ROOT);
    List<String> args = words.subList(1, words.size());
    try {
      return switch (command) {
        case "ls", "dir" -> ls(args.isEmpty() ? null : args.get(0));
        case "cd" -> replied(args.size() == 1 && ftp.changeWorkingDirectory(args.get(0)));
        case "pwd" -> pwd();
        case "get" -> args.isEmpty() ? usage("get NAME [LOCAL]") : get(args);
        case "put" -> args.isEmpty() ? usage("put PATH [NAME]") : put(args);
        case "mkdir" -> replied(args.size() == 1 && ftp.makeDirectory(args.get(0)));
        case "rmdir" -> replied(args.size() == 1 && ftp.removeDirectory(args.get(0)));
        case "rm" -> replied(args.size() == 1 && ftp.deleteFile(args.get(0)));
        case "mv" -> replied(args.size() == 2 && ftp.rename(args.get(0), args.get(1)));
        case "help" -> help();
        default -> usage("unknown command '" + command + "'; try help");
      };
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return false;
    }
  }

  /** Reads commands until {@code quit} or the end of input; prompts when {@code prompt}. */
  public void interact(BufferedReader in, boolean prompt) throws IOException {
    out.println("connected; help lists the commands, quit or Ctrl-D leaves");
    while (true) {
      if (prompt) {
        out.print("ftp> ");
      }
      out.flush();
      String line = in.readLine();
      if (line == null || line.strip().equals("quit") || line.strip().equals("exit")) {
        break;
      }
      run(words(line));
    }
  }

  /** Splits a command line into words; double or single quotes keep spaces in a name. */
  public static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  private boolean ls(String directory) throws IOException {
    FTPFile[] files = directory == null ? ftp.listFiles() : ftp.listFiles(directory);
    if (!ok()) {
      return replied(false);
    }
    for (FTPFile file : files) {
      out.println(file.getRawListing());
    }
    out.flush();
    return true;
  }

  private boolean pwd() throws IOException {
    String directory = ftp.printWorkingDirectory();
    if (directory == null) {
      return replied(false);
    }
    out.println(directory);
    out.flush();
    return true;
  }

  private boolean get(List<String> args) throws IOException {
    String name = args.get(0);
    Path local = Path.of(args.size() > 1 ? args.get(1) : Path.of(name).getFileName().toString());
    if (Files.isDirectory(local)) {
      local = local.resolve(Path.of(name).getFileName().toString());
    }
    long size = size(name);
    Path partial = local.resolveSibling(local.getFileName() + ".part");
    boolean done;
    try (OutputStream file = Files.newOutputStream(partial)) {
      Progress progress = new Progress(name, size);
      ftp.setCopyStreamListener(progress);
      try {
        done = ftp.retrieveFile(name, file);
      } finally {
        ftp.setCopyStreamListener(null);
        progress.finish();
      }
    }
    if (!done) {
      Files.deleteIfExists(partial);
      return replied(false);
    }
    Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  private boolean put(List<String> args) throws IOException {
    Path local = Path.of(args.get(0));
    String name = args.size() > 1 ? args.get(1) : local.getFileName().toString();
    boolean done;
    try (InputStream file = Files.newInputStream(local)) {
      Progress progress = new Progress(name, Files.size(local));
      ftp.setCopyStreamListener(progress);
      try {
        done = ftp.storeFile(name, file);
      } finally {
        ftp.setCopyStreamListener(null);
        progress.finish();
      }
    }
    return replied(done);
  }

  private long size(String name) throws IOException {
    String size = ftp.getSize(name);
    try {
      return size == null ? -1 : Long.parseLong(size.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private boolean ok() {
    return ftp.getReplyCode() < 400;
  }

  /** Reports the server's reply when {@code done} is false. */
  private boolean replied(boolean done) {
    if (!done) {
      err.println("error: " + ftp.getReplyString().strip());
      err.flush();
    }
    return done;
  }

  private boolean usage(String text) {
    err.println(text);
    err.flush();
    return false;
  }

  private boolean help() {
    out.println("ls [DIR]  cd DIR  pwd  get NAME [LOCAL]  put PATH [NAME]  mkdir DIR  rmdir DIR");
    out.println("rm NAME  mv FROM TO  quit       (quote names with spaces: get \"my file\")");
    out.flush();
    return true;
  }

  @Override
  public void close() {
    try {
      if (ftp.isConnected()) {
        ftp.logout();
      }
    } catch (IOException e) {
      // Leaving anyway.
    }
    try {
      ftp.disconnect();
    } catch (IOException e) {
      // Leaving anyway.
    }
  }

  /** The progress bar: bytes, percent, rate and ETA, redrawn at most ten times a second. */
  private final class Progress extends CopyStreamAdapter {
    private final String name;
    private final long size;
    private final long started = System.nanoTime();
    private long lastDrawn;
    private long bytes;

    Progress(String name, long size) {
      this.name = name;
      this.size = size;
    }

    @Override
    public void bytesTransferred(long total, int count, long streamSize) {
      bytes = total;
      long now = System.nanoTime();
      if (progressBar && now - lastDrawn > 100_000_000L) {
        lastDrawn = now;
        draw(now);
      }
    }

    private void draw(long now) {
      double seconds = Math.max(1e-3, (now - started) / 1e9);
      double rate = bytes / seconds;
      String percent = size > 0 ? String.format(Locale.ROOT, "%3d%%", bytes * 100 / size) : "   ?";
      String eta =
          size > 0 && rate > 0
              ? String.format(Locale.ROOT, "ETA %ds", (long) ((size - bytes) / rate))
              : "";
      int width = 20;
      int filled = size > 0 ? (int) Math.min(width, bytes * width / size) : 0;
      err.printf(
          Locale.ROOT,
          "\r%-24.24s [%s%s] %s %s %s/s %s   ",
          name,
          "#".repeat(filled),
          " ".repeat(width - filled),
          percent,
          human(bytes),
          human((long) rate),
          eta);
      err.flush();
    }

    void finish() {
      if (progressBar) {
        draw(System.nanoTime());
        err.println();
        err.flush();
      }
    }
  }

  private static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
