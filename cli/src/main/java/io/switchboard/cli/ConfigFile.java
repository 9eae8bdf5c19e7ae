package io.switchboard.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code serve --config FILE}: every option of {@code serve} may be set in a properties file, by
 * its name without the dashes ({@code max-connections = 5000}, {@code model = reactor}); a flag on
 * the command line wins over the file. The file's values are picocli defaults, so the command line
 * is parsed once, as always, and {@code --check} can tell where each setting came from.
 *
 * <p>Thread contract: read once, before the command line is parsed; then only read.
 */
final class ConfigFile implements IDefaultValueProvider {
  /** Options a file cannot set: they say what to do, not how to serve. */
  private static final Set<String> NOT_SETTINGS =
      Set.of("config", "check", "help", "version", "worker-index", "processes");

  private final Path path;
  private final Properties values;

  private ConfigFile(Path path, Properties values) {
    this.path = path;
    this.values = values;
  }

  /**
   * Reads {@code path} for {@code serve}; refuses a file that cannot be read, and a key that is not
   * one of its options (a typo would otherwise be a setting silently ignored).
   */
  static ConfigFile read(Path path, CommandSpec serve) {
    Properties values = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      values.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("--config " + path + ": cannot read it: " + e, e);
    }
    Set<String> known = new TreeSet<>();
    for (OptionSpec option : serve.options()) {
      String name = key(option);
      if (!NOT_SETTINGS.contains(name) && !option.hidden()) {
        known.add(name);
      }
    }
    for (String key : values.stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "--config "
                + path
                + ": '"
                + key
                + "' is not a setting; settings are serve's options without their dashes"
                + " (e.g. max-connections = 5000): "
                + String.join(", ", known));
      }
    }
    return new ConfigFile(path, values);
  }

  /** The option's name in a file: its longest name without the dashes. */
  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** True when the file sets {@code option}. */
  boolean sets(OptionSpec option) {
    return values.containsKey(key(option));
  }

  Path path() {
    return path;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    return arg instanceof OptionSpec option ? values.getProperty(key(option)) : null;
  }
}
