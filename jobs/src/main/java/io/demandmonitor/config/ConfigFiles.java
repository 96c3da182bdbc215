package io.demandmonitor.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/**
 * Where configuration files come from: a directory (normally {@code config/} of the repo), or the
 * copy packaged in the job jar when no directory is given. Reads YAML into typed records and turns
 * parse errors into messages naming the file, line and key.
 */
public final class ConfigFiles implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final String PACKAGED = "config/";

  private final String directory; // null: the copy packaged in the jar

  private ConfigFiles(String directory) {
    this.directory = directory;
  }

  public static ConfigFiles directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("configuration directory " + dir + " does not exist");
    }
    return new ConfigFiles(dir.toString());
  }

  public static ConfigFiles packaged() {
    return new ConfigFiles(null);
  }

  /**
   * The repo's config/ when run from the repo (or the config.dir property), else the packaged copy.
   */
  public static ConfigFiles defaults() {
    Path dir = Path.of(System.getProperty("config.dir", "config"));
    return Files.isDirectory(dir) ? directory(dir) : packaged();
  }

  /** How a file is named in messages: its path, or where it sits in the jar. */
  public String describe(String fileName) {
    return directory == null
        ? "classpath:" + PACKAGED + fileName
        : Path.of(directory, fileName).toString();
  }

  /** A collector of the file's problems, naming the line of each key. */
  public Problems problems(String fileName) {
    return new Problems(describe(fileName), keyLines(fileName));
  }

  /**
   * The line of every key and list item in a YAML file, by the key's name in messages
   * (districts[6].population, services.helpline-calls.daily-volume); empty if it cannot be read.
   */
  Map<String, Integer> keyLines(String fileName) {
    Map<String, Integer> lines = new HashMap<>();
    try (InputStream in = open(fileName);
        JsonParser parser = in == null ? null : YAML.createParser(in)) {
      while (parser != null && parser.nextToken() != null) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          continue;
        }
        String pointer = parser.getParsingContext().pathAsPointer().toString();
        lines.putIfAbsent(keyOf(pointer), parser.currentTokenLocation().getLineNr());
      }
    } catch (IOException e) {
      return lines; // the reader reports what is wrong with the file
    }
    return lines;
  }

  /** /districts/6/population to districts[6].population. */
  private static String keyOf(String pointer) {
    StringBuilder key = new StringBuilder();
    for (String segment : pointer.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      String name = segment.replace("~1", "/").replace("~0", "~");
      if (name.chars().allMatch(Character::isDigit)) {
        key.append('[').append(name).append(']');
      } else {
        key.append(key.length() == 0 ? "" : ".").append(name);
      }
    }
    return key.toString();
  }

  public <T> T read(String fileName, Class<T> type) {
    String where = describe(fileName);
    try (InputStream in = open(fileName)) {
      if (in == null) {
        throw new ConfigException(where + ": file not found");
      }
      T value = MAPPER.readValue(in, type);
      if (value == null) {
        throw new ConfigException(where + ": file is empty");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      // No line: for records Jackson reports where the object ended, not where the key is.
      throw new ConfigException(
          where
              + ": "
              + keyOf(e)
              + ": is not a known key (known: "
              + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()
              + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(
          where + lineOf(e) + ": " + keyOf(e) + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(where + lineOf(e) + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot be read: " + e.getMessage());
    }
  }

  private InputStream open(String fileName) throws IOException {
    if (directory == null) {
      return ConfigFiles.class.getClassLoader().getResourceAsStream(PACKAGED + fileName);
    }
    Path file = Path.of(directory, fileName);
    return Files.exists(file) ? Files.newInputStream(file) : null;
  }

  private static String lineOf(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
  }

  private static String keyOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static final YAMLFactory YAML = new YAMLFactory();
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .registerModule(
              new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()));

  /** Durations as people write them in YAML: 5s, 90s, 30m, 6h, 7d (or ISO-8601, PT30M). */
  private static final class DurationDeserializer
      extends com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<Duration> {
    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(
        JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctx)
        throws IOException {
      String text = p.getValueAsString();
      try {
        return text.startsWith("P") ? Duration.parse(text) : TimeUtils.parseDuration(text);
      } catch (RuntimeException e) {
        throw JsonMappingException.from(
            p, "'" + text + "' is not a duration (e.g. 90s, 30m, 6h, 7d)");
      }
    }
  }
}
