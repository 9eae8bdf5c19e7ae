package io.switchboard.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * One of the bus's Lua scripts (the {@code .lua} files beside this class), called by its SHA-1 so
 * only the digest travels; a Redis that does not know it (it restarted, or never saw it) is sent
 * the whole script once, which it then keeps.
 *
 * <p>Thread contract: immutable, any thread.
 */
final class LuaScript {
  private final String name;
  private final String body;
  private final String sha;

  private LuaScript(String name, String body) {
    this.name = name;
    this.body = body;
    try {
      this.sha =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /** The script {@code name.lua} from the class path. */
  static LuaScript named(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name + ".lua");
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script; completes on Lettuce's thread (dependents must not block). */
  <T> CompletableFuture<T> call(
      RedisAsyncCommands<String, String> redis,
      ScriptOutputType type,
      String[] keys,
      String... args) {
    CompletableFuture<T> bySha = redis.<T>evalsha(sha, type, keys, args).toCompletableFuture();
    return bySha.exceptionallyCompose(
        error ->
            unwrap(error) instanceof RedisNoScriptException
                ? redis.<T>eval(body, type, keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(unwrap(error)));
  }

  /**
   * The failure behind the wrappers a future adds ({@code CompletionException}, {@code
   * ExecutionException}).
   */
  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Override
  public String toString() {
    return name + ".lua";
  }
}
