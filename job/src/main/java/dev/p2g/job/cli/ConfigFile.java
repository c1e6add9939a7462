package dev.p2g.job.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Options from a properties file (conf/p2g.properties documents every key): a key is an option's
 * name without the dashes ("scales = 0.5,2,4"), and "conf.KEY = VALUE" is --conf KEY=VALUE. The
 * command line wins, key by key (for conf.*, Spark key by Spark key). One file serves all three
 * commands, so a key another command takes is ignored; a key no command takes is an error, as a
 * misspelt option on the command line is.
 */
final class ConfigFile {
  private static final String CONF_PREFIX = "conf.";

  private ConfigFile() {}

  static void merge(String file, JobConfig.Command command, Map<String, List<String>> opts) throws UsageException {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot read the configuration file " + file + ": " + e.getMessage());
    }
    List<String> givenConf = new ArrayList<>();
    for (String kv : opts.getOrDefault("conf", List.of())) {
      givenConf.add(kv.substring(0, Math.max(0, kv.indexOf('='))).trim());
    }
    for (String key : new TreeSet<>(props.stringPropertyNames())) {
      String value = props.getProperty(key).trim();
      if (key.startsWith(CONF_PREFIX)) {
        String sparkKey = key.substring(CONF_PREFIX.length());
        if (!givenConf.contains(sparkKey)) {
          opts.computeIfAbsent("conf", k -> new ArrayList<>()).add(sparkKey + "=" + value);
        }
        continue;
      }
      Option<?> option = OptionTable.find(key);
      if (option == null || key.equals("config")) {
        throw new UsageException(file + ": unknown key '" + key + "' (keys are option names: scales, device, ...;"
            + " conf.KEY for Spark settings)");
      }
      if (option.takes(command) && !opts.containsKey(key) && !value.isEmpty()) {
        opts.put(key, List.of(value));
      }
    }
  }
}
