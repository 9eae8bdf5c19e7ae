package io.switchboard.http;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code Content-Type} of a file, by its extension; text types carry {@code charset=utf-8}
 * (this server's text is UTF-8, and a browser guessing otherwise garbles it). Unknown extensions
 * are {@code application/octet-stream}: a download, never content a browser would run.
 */
public final class ContentTypes {
  private static final String UTF8 = "; charset=utf-8";
  private static final String OCTETS = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("html", "text/html" + UTF8),
          Map.entry("htm", "text/html" + UTF8),
          Map.entry("css", "text/css" + UTF8),
          Map.entry("js", "text/javascript" + UTF8),
          Map.entry("mjs", "text/javascript" + UTF8),
          Map.entry("json", "application/json" + UTF8),
          Map.entry("txt", "text/plain" + UTF8),
          Map.entry("md", "text/markdown" + UTF8),
          Map.entry("csv", "text/csv" + UTF8),
          Map.entry("xml", "application/xml" + UTF8),
          Map.entry("svg", "image/svg+xml" + UTF8),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("wasm", "application/wasm"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("zip", "application/zip"),
          Map.entry("gz", "application/gzip"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("webm", "video/webm"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"));

  private ContentTypes() {}

  /** The content type for a file called {@code name}. */
  public static String of(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return OCTETS;
    }
    return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), OCTETS);
  }
}
