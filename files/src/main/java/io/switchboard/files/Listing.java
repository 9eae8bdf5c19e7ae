package io.switchboard.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The three listing forms, as clients parse them: {@code LIST} in the {@code ls -l} shape that
 * lftp, wget and curl read (the name is everything after the time, so spaces survive), {@code NLST}
 * (names only) and the machine-readable facts of {@code MLSD}/{@code MLST} (RFC 3659). Times are
 * UTC; names are UTF-8; lines end with CRLF.
 *
 * <p>A listing is built whole before it is sent, so it is bounded: at most {@link #MAX_ENTRIES}
 * entries (a directory larger than that is listed in part, and the reply says so).
 *
 * <p>Thread contract: stateless; any thread.
 */
final class Listing {
  static final int MAX_ENTRIES = 100_000;

  private static final DateTimeFormatter RECENT =
      DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter OLD =
      DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  static final DateTimeFormatter FACT_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  enum Form {
    LIST,
    NLST,
    MLSD
  }

  /** A listing and whether it was cut at {@link #MAX_ENTRIES}. */
  record Result(byte[] bytes, boolean truncated) {}

  private Listing() {}

  /**
   * Lists a directory (its entries) or a single file (itself), in {@code form}.
   *
   * @param writable whether the client may change things, for MLSD's {@code perm} fact
   */
  static Result of(Path path, Form form, boolean writable) throws IOException {
    StringBuilder out = new StringBuilder();
    boolean truncated = false;
    if (!Files.isDirectory(path)) {
      line(out, form, path, path.getFileName().toString(), writable);
      return new Result(out.toString().getBytes(StandardCharsets.UTF_8), false);
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(path)) {
      for (Path entry : stream) {
        if (FileRoot.hidden(entry.getFileName().toString())) {
          continue;
        }
        if (entries.size() == MAX_ENTRIES) {
          truncated = true;
          break;
        }
        entries.add(entry);
      }
    }
    entries.sort(null);
    for (Path entry : entries) {
      line(out, form, entry, entry.getFileName().toString(), writable);
    }
    return new Result(out.toString().getBytes(StandardCharsets.UTF_8), truncated);
  }

  private static void line(StringBuilder out, Form form, Path path, String name, boolean writable)
      throws IOException {
    switch (form) {
      case NLST -> out.append(name);
      case LIST -> out.append(longForm(path, name));
      case MLSD -> out.append(facts(path, writable)).append(' ').append(name);
    }
    out.append("\r\n");
  }

  /** {@code -rw-r--r-- 1 ftp ftp 1234 Mar 04 12:00 name}, as vsftpd writes it. */
  static String longForm(Path path, String name) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    char type = attributes.isDirectory() ? 'd' : attributes.isSymbolicLink() ? 'l' : '-';
    Instant modified = attributes.lastModifiedTime().toInstant();
    boolean recent = modified.isAfter(Instant.now().minus(180, ChronoUnit.DAYS));
    return String.format(
        Locale.ROOT,
        "%c%s %4d %-8s %-8s %12d %s %s",
        type,
        PosixFilePermissions.toString(attributes.permissions()),
        1,
        "ftp",
        "ftp",
        attributes.size(),
        (recent ? RECENT : OLD).format(modified),
        name);
  }

  /** RFC 3659 facts: {@code type=file;size=12;modify=20240101120000;perm=rwadf;}. */
  static String facts(Path path, boolean writable) throws IOException {
    // The link itself, not where it leads: a link out of the root must not tell about its target.
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    boolean directory = attributes.isDirectory();
    String perm = directory ? (writable ? "elcmpdf" : "el") : writable ? "rwadf" : "r";
    return (directory ? "type=dir;" : "type=file;size=" + attributes.size() + ";")
        + "modify="
        + FACT_TIME.format(attributes.lastModifiedTime().toInstant())
        + ";perm="
        + perm
        + ";";
  }
}
