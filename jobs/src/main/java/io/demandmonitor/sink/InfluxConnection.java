package io.demandmonitor.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.InfluxDBIOException;
import org.influxdb.dto.Pong;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * An influxdb-java client with what the sink needs on top: the HTTP status of a failed request (the
 * client itself keeps only the message, whose wording differs between InfluxDB 1.x, 2.x and 3), and
 * token authentication.
 */
public final class InfluxConnection implements AutoCloseable {

  /**
   * A request that failed; {@link #status} is 0 when the server gave no answer (refused, timed
   * out).
   */
  public static final class Failure extends IOException {
    public final int status;

    Failure(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** Worth retrying as it is: no answer, a timeout, throttling or a server error. */
    public boolean transientFailure() {
      return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /**
     * The points themselves were refused (bad line, field type conflict, too large): smaller
     * batches may pass.
     */
    public boolean badPoints() {
      return status == 400 || status == 413 || status == 422;
    }
  }

  /**
   * Carries a non-2xx status out of the HTTP layer, through the client, as its IOException cause.
   */
  private static final class StatusException extends IOException {
    final int status;

    StatusException(int status, String body) {
      super(body);
      this.status = status;
    }
  }

  private final InfluxSettings settings;
  private final InfluxDB client;

  public InfluxConnection(InfluxSettings settings) {
    this.settings = settings;
    long timeout = settings.requestTimeout().toMillis();
    OkHttpClient.Builder http =
        new OkHttpClient.Builder()
            .connectTimeout(timeout, TimeUnit.MILLISECONDS)
            .readTimeout(timeout, TimeUnit.MILLISECONDS)
            .writeTimeout(timeout, TimeUnit.MILLISECONDS)
            .retryOnConnectionFailure(false) // retries are the sink's, with backoff and a budget
            .addInterceptor(
                chain -> {
                  var request = chain.request();
                  if (settings.token() != null) {
                    request =
                        request
                            .newBuilder()
                            .header("Authorization", "Token " + settings.token())
                            .build();
                  }
                  Response response = chain.proceed(request);
                  if (!response.isSuccessful()) {
                    try (ResponseBody body = response.body()) {
                      throw new StatusException(
                          response.code(), body == null ? "" : body.string().trim());
                    }
                  }
                  return response;
                });
    this.client =
        settings.user() == null
            ? InfluxDBFactory.connect(settings.url(), http)
            : InfluxDBFactory.connect(
                settings.url(),
                settings.user(),
                settings.password() == null ? "" : settings.password(),
                http);
    client.setLogLevel(InfluxDB.LogLevel.NONE);
  }

  /** Writes line-protocol points with millisecond timestamps. */
  public void write(List<String> lines) throws Failure {
    try {
      client.write(
          settings.database(),
          settings.retentionPolicy(),
          InfluxDB.ConsistencyLevel.ONE,
          TimeUnit.MILLISECONDS,
          lines);
    } catch (InfluxDBException e) {
      throw failure("write", e);
    }
  }

  /**
   * Runs InfluxQL in the database (POST, so CREATE and DROP work too); an error in the statement is
   * an exception.
   */
  public QueryResult query(String influxql) throws Failure {
    QueryResult result;
    try {
      result = client.query(new Query(influxql, settings.database(), true), TimeUnit.MILLISECONDS);
    } catch (InfluxDBException e) {
      throw failure("query", e);
    }
    String error =
        result.getError() != null
            ? result.getError()
            : result.getResults() == null
                ? null
                : result.getResults().stream()
                    .map(QueryResult.Result::getError)
                    .filter(e -> e != null)
                    .findFirst()
                    .orElse(null);
    if (error != null) {
      throw new Failure(400, settings + ": '" + influxql + "' failed: " + error, null);
    }
    return result;
  }

  /**
   * Creates the database if the server does not list it (InfluxDB 1.x; on 2.x and 3 it must be a
   * bucket mapped to a database, and this fails with the server's reason).
   *
   * @return whether it was created
   */
  public boolean createDatabaseIfMissing() throws Failure {
    List<List<Object>> rows = rows(query("SHOW DATABASES"));
    if (rows.stream().anyMatch(row -> settings.database().equals(row.get(0)))) {
      return false;
    }
    query("CREATE DATABASE " + identifier(settings.database()));
    return true;
  }

  /** An identifier quoted for InfluxQL. */
  public static String identifier(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The rows of every series of a result, for the simple queries this project runs. */
  public static List<List<Object>> rows(QueryResult result) {
    List<List<Object>> rows = new ArrayList<>();
    for (QueryResult.Result r : result.getResults()) {
      if (r.getSeries() != null) {
        r.getSeries().stream()
            .filter(series -> series.getValues() != null)
            .forEach(series -> rows.addAll(series.getValues()));
      }
    }
    return rows;
  }

  /**
   * The rows of a query as maps: column and tag names to values, plus "name" for the measurement.
   */
  public List<java.util.Map<String, Object>> select(String influxql) throws Failure {
    List<java.util.Map<String, Object>> rows = new ArrayList<>();
    for (QueryResult.Result result : query(influxql).getResults()) {
      for (QueryResult.Series series :
          result.getSeries() == null ? List.<QueryResult.Series>of() : result.getSeries()) {
        for (List<Object> values :
            series.getValues() == null ? List.<List<Object>>of() : series.getValues()) {
          java.util.Map<String, Object> row = new java.util.HashMap<>();
          row.put("name", series.getName());
          if (series.getTags() != null) {
            row.putAll(series.getTags());
          }
          for (int i = 0; i < values.size(); i++) {
            row.put(series.getColumns().get(i), values.get(i));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  /** The server's version; fails when it does not answer. */
  public String version() throws Failure {
    try {
      Pong pong = client.ping();
      if (!pong.isGood()) {
        throw new Failure(0, settings.url() + " does not answer as InfluxDB", null);
      }
      return pong.getVersion();
    } catch (InfluxDBException e) {
      throw failure("ping", e);
    }
  }

  private Failure failure(String what, InfluxDBException e) {
    if (e instanceof InfluxDBIOException && e.getCause() instanceof StatusException s) {
      return new Failure(
          s.status,
          settings
              + ": "
              + what
              + " refused with HTTP "
              + s.status
              + ": "
              + s.getMessage()
              + hint(s.status),
          null);
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new Failure(0, settings + ": " + what + " got no answer: " + cause, null);
  }

  private static String hint(int status) {
    return switch (status) {
      case 401, 403 ->
          " (check the user and password, or the token: DEMAND_MONITOR_INFLUX_USER, "
              + "DEMAND_MONITOR_INFLUX_PASSWORD, DEMAND_MONITOR_INFLUX_TOKEN)";
      case 404 ->
          " (does the database exist? On InfluxDB 2.x and 3 it needs a bucket mapped to it)";
      default -> "";
    };
  }

  @Override
  public void close() {
    client.close();
  }
}
