package io.demandmonitor.sink;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

/**
 * Where and how results are written to InfluxDB through its v1 HTTP API ({@code /write}, {@code
 * /query}), which InfluxDB 1.x serves natively and 2.x and 3 Core serve for compatibility.
 * Credentials are a user and password, or a token sent as {@code Authorization: Token ...}; they
 * never appear in {@link #toString()}.
 *
 * @param retentionPolicy a retention policy, or null for the database's default
 * @param batchSize points per write request; also the most a writer buffers before it blocks
 * @param flushEvery the longest a point waits in the buffer
 * @param requestTimeout connect, read and write timeout of one request
 * @param run the {@code run} tag of every point: {@code live}, or a replay's run id
 */
public record InfluxSettings(
    String url,
    String database,
    String retentionPolicy,
    String user,
    String password,
    String token,
    int batchSize,
    Duration flushEvery,
    Duration requestTimeout,
    String run)
    implements Serializable {

  public static final String LIVE = "live";

  public InfluxSettings {
    if (url.contains(
        "@")) { // user:password@host would be printed with the URL and sent in the clear
      throw new IllegalArgumentException(
          "the InfluxDB URL must not hold credentials (USER:PASSWORD@): give the "
              + "user with --influx-user and the password in DEMAND_MONITOR_INFLUX_PASSWORD or --influx-password-file");
    }
    URI parsed;
    try {
      parsed = URI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("InfluxDB URL '" + url + "' is not a URL");
    }
    if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())
        || parsed.getHost() == null) {
      throw new IllegalArgumentException(
          "InfluxDB URL '" + url + "' must be http://HOST:PORT or https://HOST:PORT");
    }
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("InfluxDB database name is empty");
    }
    if (password != null && user == null) {
      throw new IllegalArgumentException("an InfluxDB password was given without a user");
    }
    if (token != null && user != null) {
      throw new IllegalArgumentException("give an InfluxDB token or a user and password, not both");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "InfluxDB batch size must be at least 1, not " + batchSize);
    }
    if (run == null || run.isBlank()) {
      throw new IllegalArgumentException("run id is empty");
    }
  }

  /** Defaults for everything but where to write. */
  public static InfluxSettings of(String url, String database) {
    return new InfluxSettings(
        url,
        database,
        null,
        null,
        null,
        null,
        5_000,
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        LIVE);
  }

  public InfluxSettings withCredentials(String user, String password, String token) {
    return new InfluxSettings(
        url,
        database,
        retentionPolicy,
        user,
        password,
        token,
        batchSize,
        flushEvery,
        requestTimeout,
        run);
  }

  /** Safe to print: no secrets. */
  @Override
  public String toString() {
    String auth = token != null ? " with a token" : user != null ? " as " + user : "";
    return "InfluxDB "
        + url
        + " database "
        + database
        + (retentionPolicy == null ? "" : "." + retentionPolicy)
        + auth
        + " run "
        + run;
  }
}
