package io.demandmonitor;

import io.demandmonitor.sink.InfluxConnection;
import io.demandmonitor.sink.InfluxSettings;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real InfluxDB 1.x server (Debian's influxd, installed by the build when missing) on free
 * loopback ports with its own temporary directory. One is shared by the tests that only write and
 * read ({@link #shared()}, each in its own database); tests that stop it or turn on authentication
 * start their own.
 */
public final class InfluxServer implements AutoCloseable {

  private static InfluxServer shared;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path dir;
  private final int httpPort;
  private final int rpcPort;
  private final boolean auth;
  private Process process;

  private InfluxServer(boolean auth) throws IOException {
    this.dir = Files.createTempDirectory("influxd-test");
    this.httpPort = freePort();
    this.rpcPort = freePort();
    this.auth = auth;
    start();
  }

  /** The server shared by this test JVM, stopped when the JVM exits. */
  public static synchronized InfluxServer shared() throws IOException {
    if (shared == null) {
      shared = new InfluxServer(false);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "s3cret-admin-Pa55";

  /** A server of the test's own; with {@code auth}, only {@link #ADMIN} may read and write. */
  public static InfluxServer startOwn(boolean auth) throws IOException {
    InfluxServer server = new InfluxServer(auth);
    if (auth) { // InfluxDB 1.x lets anyone create the first admin
      try (InfluxConnection connection =
          new InfluxConnection(InfluxSettings.of(server.url(), "_internal"))) {
        connection.query(
            "CREATE USER " + ADMIN + " WITH PASSWORD '" + ADMIN_PASSWORD + "' WITH ALL PRIVILEGES");
      }
    }
    return server;
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Settings for a new, empty database of this server. */
  public InfluxSettings newDatabase(String prefix) throws IOException {
    InfluxSettings settings = InfluxSettings.of(url(), prefix + "_" + DATABASES.incrementAndGet());
    try (InfluxConnection connection = new InfluxConnection(settings)) {
      connection.createDatabaseIfMissing();
    }
    return settings;
  }

  /**
   * Every row of a query's result as column (tags included) to value, with the measurement as
   * "name".
   */
  public static List<Map<String, Object>> select(InfluxConnection connection, String influxql)
      throws IOException {
    return connection.select(influxql);
  }

  /** Starts the server (again, on the same ports and data) and waits until it answers. */
  public void start() throws IOException {
    String influxd =
        Files.isExecutable(Path.of("/usr/bin/influxd")) ? "/usr/bin/influxd" : "influxd";
    ProcessBuilder builder =
        new ProcessBuilder(
                influxd,
                "run",
                "-config",
                "/dev/null",
                "-pidfile",
                dir.resolve("influxd.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("influxd.log").toFile()));
    Map<String, String> env = builder.environment();
    env.put("INFLUXDB_HTTP_BIND_ADDRESS", "127.0.0.1:" + httpPort);
    env.put("INFLUXDB_BIND_ADDRESS", "127.0.0.1:" + rpcPort);
    env.put("INFLUXDB_META_DIR", dir.resolve("meta").toString());
    env.put("INFLUXDB_DATA_DIR", dir.resolve("data").toString());
    env.put("INFLUXDB_DATA_WAL_DIR", dir.resolve("wal").toString());
    env.put("INFLUXDB_MONITOR_STORE_ENABLED", "false");
    env.put("INFLUXDB_REPORTING_DISABLED", "true");
    env.put("INFLUXDB_HTTP_LOG_ENABLED", "false");
    env.put("INFLUXDB_DATA_QUERY_LOG_ENABLED", "false");
    env.put("INFLUXDB_HTTP_AUTH_ENABLED", Boolean.toString(auth));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start influxd (Debian's influxdb package; `./mvnw verify` installs it): "
              + e.getMessage(),
          e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException(
            "influxd did not start; its log: " + Files.readString(dir.resolve("influxd.log")));
      }
      sleep(50);
    }
  }

  /** Stops the server, as an outage would. */
  public void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean answers() {
    try {
      HttpURLConnection ping =
          (HttpURLConnection) URI.create(url() + "/ping").toURL().openConnection();
      ping.setConnectTimeout(500);
      ping.setReadTimeout(500);
      return ping.getResponseCode() == 204;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
