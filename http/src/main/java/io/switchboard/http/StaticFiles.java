package io.switchboard.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files under one root, answered as HTTP/1.1 does (RFC 9110): {@code Content-Type} by extension,
 * {@code Last-Modified} and {@code ETag} with their conditional requests ({@code If-None-Match},
 * {@code If-Modified-Since}: 304), one byte range ({@code Range}, {@code If-Range}: 206 or 416),
 * {@code index.html} for a directory, an HTML listing when asked for, and a 301 from {@code /dir}
 * to {@code /dir/}.
 *
 * <p>Confinement: the path was normalized by {@link RequestTarget} (no segment can climb out), and
 * the file found is resolved through its symbolic links ({@link Path#toRealPath}) and refused with
 * 403 unless it is still under the root's own real path, so a link pointing out of the root is no
 * way out.
 *
 * <p>Bodies larger than {@link #COPY_LIMIT} go out with zero-copy {@code sendFile} (the response
 * owns the open channel); smaller ones are read into the response, which then goes out in one write
 * with its head: for a small file, one copy costs less than a second system call.
 *
 * <p>Small files are kept once read ({@link #CACHED_FILES} of them at most): a hit costs one {@code
 * stat} of the requested path instead of resolving it link by link, then {@code stat}, {@code
 * open}, {@code pread} and {@code close} (the profile of 1 KiB requests had those file system calls
 * at about half the server's time in the kernel). A hit is served only while that {@code stat}
 * finds the very file that was resolved and checked (same device and inode, same size and
 * modification time): a path that now leads elsewhere, through a link changed to point out of the
 * root or a file replaced, misses and goes the whole way, confinement check included.
 *
 * <p>Thread contract: any thread (each call opens its own file; the cache is a concurrent map).
 */
public final class StaticFiles {
  /** Files up to this size are copied into the response; larger ones are sent from the file. */
  public static final int COPY_LIMIT = 16 * 1024;

  /** A listing shows at most this many entries (and says so when there are more). */
  public static final int MAX_LISTED = 10_000;

  /** Small files kept; when full, the cache starts over (bounded, and simple to reason about). */
  static final int CACHED_FILES = 1024;

  private final Path root;
  private final boolean listing;

  /** By requested path (not resolved): the file it led to when read, and its bytes. */
  private final ConcurrentHashMap<Path, Cached> cache = new ConcurrentHashMap<>();

  /** A small file as read, and what identifies that very file on disk. */
  @SuppressWarnings("ArrayRecordComponent") // read-only once made; responses copy it out
  private record Cached(Path real, Object fileKey, FileTime modified, long size, byte[] bytes) {
    boolean stillIs(BasicFileAttributes attributes) {
      return attributes.isRegularFile()
          && fileKey.equals(attributes.fileKey())
          && attributes.lastModifiedTime().equals(modified) // at the file system's precision
          && attributes.size() == size;
    }
  }

  /**
   * @param root the directory served (resolved to its real path once, here)
   * @param listing answer a directory without {@code index.html} with a listing, not a 403
   */
  public StaticFiles(Path root, boolean listing) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + root, e);
    }
    if (!Files.isDirectory(this.root)) {
      throw new IllegalArgumentException("not a directory: " + root);
    }
    this.listing = listing;
  }

  public Path root() {
    return root;
  }

  /** The response to a GET or HEAD of {@code target}. */
  public HttpResponse serve(HttpRequest request, RequestTarget target) {
    boolean head = request.method().equals("HEAD");
    Path path = root;
    for (String segment : target.segments()) {
      path = path.resolve(segment);
    }
    try {
      Cached cached = target.directory() ? null : cache.get(path);
      if (cached != null) {
        BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
        if (cached.stillIs(now)) {
          return file(request, cached.real(), now, head, cached.bytes(), null);
        }
        cache.remove(path, cached);
      }
      Path real = path.toRealPath();
      if (!real.startsWith(root)) {
        return HttpResponse.error(403, "outside the served directory: " + target.path());
      }
      BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        return directory(request, target, real, head);
      }
      if (target.directory()) {
        return HttpResponse.error(404, "not a directory: " + target.path());
      }
      if (!attributes.isRegularFile()) {
        return HttpResponse.error(403, "not a regular file: " + target.path());
      }
      return file(request, real, attributes, head, null, path);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return HttpResponse.error(404, "no such file: " + target.path());
    } catch (AccessDeniedException e) {
      return HttpResponse.error(403, "not readable: " + target.path());
    } catch (IOException e) {
      return HttpResponse.error(500, "cannot read " + target.path());
    }
  }

  private HttpResponse directory(
      HttpRequest request, RequestTarget target, Path directory, boolean head) throws IOException {
    if (!target.directory()) {
      String location =
          target.encodedPath() + "/" + (target.query() == null ? "" : "?" + target.query());
      return HttpResponse.error(301, "moved to " + location)
          .header("Location", location)
          .headOnly(head);
    }
    Path index = directory.resolve("index.html");
    if (Files.isRegularFile(index)) {
      Path real = index.toRealPath();
      if (!real.startsWith(root)) {
        return HttpResponse.error(403, "outside the served directory: " + target.path());
      }
      return file(
          request, real, Files.readAttributes(real, BasicFileAttributes.class), head, null, null);
    }
    if (!listing) {
      return HttpResponse.error(403, "directory listing is off: " + target.path());
    }
    return HttpResponse.status(200)
        .body(listingPage(target, directory), "text/html; charset=utf-8")
        .headOnly(head);
  }

  /**
   * @param cachedBytes the whole file, kept from an earlier read, or null to read it
   * @param cacheAs the requested path to keep a small file under once read, or null not to
   */
  private HttpResponse file(
      HttpRequest request,
      Path file,
      BasicFileAttributes attributes,
      boolean head,
      byte[] cachedBytes,
      Path cacheAs)
      throws IOException {
    long size = attributes.size();
    long modified = attributes.lastModifiedTime().toMillis() / 1000;
    String etag = "\"" + Long.toHexString(modified) + "-" + Long.toHexString(size) + "\"";
    String lastModified = HttpDate.format(modified);
    String type = ContentTypes.of(file.getFileName().toString());
    HttpHeaders headers = request.headers();
    if (notModified(headers, etag, modified)) {
      return HttpResponse.status(304).header("ETag", etag).header("Last-Modified", lastModified);
    }
    long start = 0;
    long count = size;
    int status = 200;
    String range = headers.get("range");
    if (range != null && !head && rangeStillValid(headers.get("if-range"), etag, modified)) {
      ByteRange span = ByteRange.parse(range, size);
      if (span != null && !span.satisfiable()) {
        return HttpResponse.error(416, "range not satisfiable: " + range)
            .header("Content-Range", "bytes */" + size);
      }
      if (span != null) {
        status = 206;
        start = span.first();
        count = span.last() - span.first() + 1;
      }
    }
    HttpResponse response =
        HttpResponse.status(status)
            .header("Content-Type", type)
            .header("Last-Modified", lastModified)
            .header("ETag", etag)
            .header("Accept-Ranges", "bytes");
    if (status == 206) {
      response.header("Content-Range", "bytes " + start + "-" + (start + count - 1) + "/" + size);
    }
    if (head) {
      return response.header("Content-Length", Long.toString(count)).headOnly(true);
    }
    if (cachedBytes != null) {
      return response.body(
          count == size
              ? cachedBytes
              : Arrays.copyOfRange(cachedBytes, (int) start, (int) (start + count)),
          null);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    if (count > COPY_LIMIT) {
      return response.file(channel, start, count);
    }
    byte[] body = read(channel, start, (int) count);
    if (body == null) {
      return HttpResponse.error(500, "the file changed while it was read");
    }
    if (cacheAs != null && count == size && attributes.fileKey() != null) {
      if (cache.size() >= CACHED_FILES) {
        cache.clear();
      }
      cache.put(
          cacheAs,
          new Cached(file, attributes.fileKey(), attributes.lastModifiedTime(), size, body));
    }
    return response.body(body, null);
  }

  /**
   * {@code count} bytes from {@code start}, or null if the file ended before (it shrank meanwhile);
   * closes the channel.
   */
  private static byte[] read(FileChannel channel, long start, int count) throws IOException {
    try (channel) {
      ByteBuffer bytes = ByteBuffer.allocate(count);
      while (bytes.hasRemaining() && channel.read(bytes, start + bytes.position()) >= 0) {
        // positional reads until the range is in
      }
      return bytes.hasRemaining() ? null : bytes.array();
    }
  }

  /** If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2). */
  private static boolean notModified(HttpHeaders headers, String etag, long modified) {
    String noneMatch = headers.get("if-none-match");
    if (noneMatch != null) {
      for (String tag : noneMatch.split(",")) {
        String candidate = tag.trim();
        if (candidate.equals("*") || weakEquals(candidate, etag)) {
          return true;
        }
      }
      return false;
    }
    long since = HttpDate.parse(headers.get("if-modified-since"));
    return since >= 0 && modified <= since;
  }

  private static boolean weakEquals(String a, String b) {
    return stripWeak(a).equals(stripWeak(b));
  }

  private static String stripWeak(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  /** If-Range (RFC 9110 §13.1.5): the range applies only to the representation the client has. */
  private static boolean rangeStillValid(String ifRange, String etag, long modified) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"")) {
      return value.equals(etag); // strong comparison
    }
    return HttpDate.parse(value) == modified;
  }

  private String listingPage(RequestTarget target, Path directory) throws IOException {
    List<Path> entries = new ArrayList<>();
    boolean more = false;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path entry : stream) {
        if (entries.size() == MAX_LISTED) {
          more = true;
          break;
        }
        entries.add(entry);
      }
    }
    entries.sort(
        Comparator.comparing((Path p) -> !Files.isDirectory(p))
            .thenComparing(p -> p.getFileName().toString()));
    String title = "Index of " + Html.escape(target.path());
    StringBuilder page = new StringBuilder(4096);
    page.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(title)
        .append("</title></head>\n<body><h1>")
        .append(title)
        .append("</h1>\n<ul>\n");
    if (!target.segments().isEmpty()) {
      page.append("<li><a href=\"../\">../</a></li>\n");
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      boolean isDirectory = Files.isDirectory(entry);
      String href = RequestTarget.encodeSegment(name) + (isDirectory ? "/" : "");
      page.append("<li><a href=\"")
          .append(Html.escape(href))
          .append("\">")
          .append(Html.escape(name))
          .append(isDirectory ? "/" : "")
          .append("</a>");
      if (!isDirectory) {
        page.append(" (").append(Files.size(entry)).append(" bytes)");
      }
      page.append("</li>\n");
    }
    page.append("</ul>\n");
    if (more) {
      page.append("<p>Only the first ").append(MAX_LISTED).append(" entries are listed.</p>\n");
    }
    return page.append("</body></html>\n").toString();
  }
}
