package io.switchboard.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The served directory, and the one place every path a client names goes through (pyftpdlib's
 * {@code AbstractedFS} lesson: no command can forget a check it never makes itself).
 *
 * <p>A client's path is first made a <em>virtual path</em>: absolute from the served root, with
 * {@code .} and {@code ..} folded lexically and {@code ..} stopping at {@code /} (as in a chroot:
 * {@code CWD ..} at the top stays at the top, {@code /etc/passwd} means the root's {@code etc}).
 * Bytes no honest path carries are refused outright: NUL and other control characters, a backslash
 * (a Windows separator some clients or proxies turn into {@code /}), a percent-encoded dot, slash
 * or backslash ({@code %2e%2e}, {@code %2f}: harmless to us, but a client or proxy that decodes
 * twice would climb out), and U+FFFD (the line was not valid UTF-8). Then the real location is
 * checked: a path whose real location after symbolic links lies outside the root is refused, so a
 * link placed in the tree cannot lead out of it. Names starting with {@link #UPLOAD_PREFIX} are
 * uploads in progress: invisible to listings, unknown to every command, refused as new names.
 *
 * <p>Paths handed out are the lexical ones inside the root (a link is renamed or deleted as the
 * link); their real location has been checked. FTP users cannot make links, so a link swapped in
 * between the check and the use would have to come from a local user of the machine.
 *
 * <p>Thread contract: immutable; any thread.
 */
public final class FileRoot {
  /** Uploads are written under this prefix in their target directory, then renamed into place. */
  public static final String UPLOAD_PREFIX = ".sb-upload-";

  private static final Pattern ENCODED_SEPARATOR = Pattern.compile("(?i)%(2f|5c)");
  private static final Pattern ENCODED_DOT = Pattern.compile("(?i)%2e");

  private final Path root;

  /**
   * @throws IOException if {@code directory} does not exist or is not a directory
   */
  public FileRoot(Path directory) throws IOException {
    Path real = directory.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new IOException(directory + " is not a directory");
    }
    this.root = real;
  }

  /** The real path of the served directory. */
  public Path directory() {
    return root;
  }

  /** A path refused for what it is, whatever exists on disk; the message is fit for the client. */
  public static final class RefusedPathException extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedPathException(String message) {
      super(message);
    }
  }

  /**
   * The virtual path {@code argument} names from the directory {@code cwd}: absolute, normalised,
   * never above {@code /}.
   */
  public String virtualPath(String cwd, String argument) throws RefusedPathException {
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '\uFFFD') {
        throw new RefusedPathException("File name not allowed.");
      }
    }
    Deque<String> parts = new ArrayDeque<>();
    String joined = argument.startsWith("/") ? argument : cwd + "/" + argument;
    for (String segment : joined.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        parts.pollLast(); // at the top this stays at the top
        continue;
      }
      String decoded = ENCODED_DOT.matcher(segment).replaceAll(".");
      if (decoded.equals(".")
          || decoded.equals("..")
          || ENCODED_SEPARATOR.matcher(segment).find()) {
        throw new RefusedPathException("File name not allowed.");
      }
      parts.addLast(segment);
    }
    return "/" + String.join("/", parts);
  }

  /** The last component of a virtual path ({@code ""} for the root). */
  public static String name(String virtualPath) {
    return virtualPath.substring(virtualPath.lastIndexOf('/') + 1);
  }

  /** The virtual path of the directory holding {@code virtualPath}. */
  public static String parent(String virtualPath) {
    int slash = virtualPath.lastIndexOf('/');
    return slash <= 0 ? "/" : virtualPath.substring(0, slash);
  }

  /**
   * An existing file or directory at {@code virtualPath}, whose real location is inside the root.
   *
   * @throws NoSuchFileException if there is none (or it is an upload in progress)
   * @throws RefusedPathException if it leads outside the root
   */
  public Path existing(String virtualPath) throws IOException {
    if (name(virtualPath).startsWith(UPLOAD_PREFIX)) {
      throw new NoSuchFileException(virtualPath);
    }
    Path lexical = lexical(virtualPath);
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(lexical)) {
        throw new RefusedPathException("Permission denied."); // a dangling link: where to?
      }
      throw e;
    }
    if (!real.startsWith(root)) {
      throw new RefusedPathException("Permission denied.");
    }
    return lexical;
  }

  /** An existing directory at {@code virtualPath}, inside the root. */
  public Path directory(String virtualPath) throws IOException {
    Path path = existing(virtualPath);
    if (!Files.isDirectory(path)) {
      throw new NoSuchFileException(virtualPath, null, "not a directory");
    }
    return path;
  }

  /** An existing regular file at {@code virtualPath}, inside the root. */
  public Path file(String virtualPath) throws IOException {
    Path path = existing(virtualPath);
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(virtualPath, null, "not a plain file");
    }
    return path;
  }

  /**
   * A name that may be created or replaced: its directory exists inside the root, the name is not
   * reserved, and if something is already there (a link, say) it is inside the root too.
   */
  public Path creatable(String virtualPath) throws IOException {
    String name = name(virtualPath);
    if (name.isEmpty() || name.startsWith(UPLOAD_PREFIX)) {
      throw new RefusedPathException("File name not allowed.");
    }
    Path directory = directory(parent(virtualPath));
    Path target = directory.resolve(name);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      existing(virtualPath); // checks where it leads
    }
    return target;
  }

  /** True for names a listing must not show: uploads in progress. */
  public static boolean hidden(String name) {
    return name.startsWith(UPLOAD_PREFIX);
  }

  private Path lexical(String virtualPath) throws RefusedPathException {
    try {
      return virtualPath.equals("/") ? root : root.resolve(virtualPath.substring(1));
    } catch (InvalidPathException e) {
      throw new RefusedPathException("File name not allowed.");
    }
  }

  /** A short reason for a failed file operation, fit for a reply (never the real path). */
  public static String reason(IOException e) {
    if (e instanceof RefusedPathException) {
      return e.getMessage();
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory.";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "File exists.";
    }
    if (e instanceof java.nio.file.DirectoryNotEmptyException) {
      return "Directory not empty.";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "Permission denied.";
    }
    String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    return why == null ? "Operation failed." : capitalise(why) + ".";
  }

  private static String capitalise(String text) {
    return text.isEmpty()
        ? text
        : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
  }
}
