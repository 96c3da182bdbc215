package io.demandmonitor.bench;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.alerting.AlertText;
import io.demandmonitor.config.ConfigFiles;
import io.demandmonitor.config.District;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Service;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.demand.ToSeries;
import io.demandmonitor.demand.WindowSettings;
import io.demandmonitor.demand.WindowSettings.Horizon;
import io.demandmonitor.ingest.DecodeFunction;
import io.demandmonitor.ingest.Normaliser;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.model.Archive;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.replay.ArchiveSource;
import io.demandmonitor.replay.ReplayProgress;
import io.demandmonitor.replay.ReplaySinks;
import io.demandmonitor.sink.LocalHandle;
import io.demandmonitor.sink.OutputSinks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.util.Collector;

/**
 * The replay against its ceiling and against Flink SQL (issue 18), each a job of its own on the
 * same archive and range, one after another in this JVM:
 *
 * <ol>
 *   <li>passthrough: the archive source, decode and validate, the four series of each event ({@link
 *       ToSeries}), keyed by series, a running count per series in keyed state; nothing is written.
 *       What reading the input costs: the ceiling.
 *   <li>Flink SQL: the same ingestion as the pipeline (decode, validate, de-duplicate), the same
 *       series, and one {@code HOP} window aggregation per horizon of {@code windows.yaml} at its
 *       configured step (count and the two measure sums, as the rolling windows keep); the
 *       per-category series get the category horizons only, as in the pipeline. Results discarded.
 *   <li>the pipeline exactly as {@code replay} builds it ({@code ReplayCommand}): shipped rules,
 *       the default resolution for the range, line-protocol files under a scratch folder.
 * </ol>
 *
 * <p>And the scaling curve: the same archive with each district split into {@code k} synthetic
 * districts ({@link #spread}), replayed as in 3.
 */
public final class ReplayBenchmark {

  private ReplayBenchmark() {}

  /** What every job reads: an archive, its configuration folder and the range. */
  public record Input(Path archive, Path configDir, Instant from, Instant to) {
    ConfigFiles files() {
      return configDir == null ? ConfigFiles.packaged() : ConfigFiles.directory(configDir);
    }
  }

  /** One measured job: wall time from submission to the end of the job, and the records read. */
  public record Result(String name, long millis, long records) {
    public double seconds() {
      return millis / 1000.0;
    }
  }

  /** 1: read, decode, key by series, count. */
  public static Result passthrough(Supplier<StreamExecutionEnvironment> environment, Input in)
      throws Exception {
    StreamExecutionEnvironment env = environment.get();
    PipelineSettings settings = settings(in);
    return measure(
        env,
        "passthrough: read + decode + key by series + count",
        progress ->
            source(env, in, settings, progress)
                .process(
                    new DecodeFunction(
                        new Normaliser(settings.reference(), settings.futureMargin()), false))
                .name("decode-and-validate")
                .flatMap(new ToSeries())
                .name("to-series")
                .keyBy(SeriesEvent::key)
                .process(new CountPerSeries())
                .name("count-per-series")
                .sinkTo(new DiscardingSink<>()));
  }

  /** 2: Flink SQL HOP windows, one query per horizon, over the pipeline's ingestion and series. */
  public static Result sql(Supplier<StreamExecutionEnvironment> environment, Input in)
      throws Exception {
    StreamExecutionEnvironment env = environment.get();
    PipelineSettings settings = settings(in);
    return measure(
        env,
        "Flink SQL HOP, every horizon and series",
        progress -> sql(env, in, settings, progress));
  }

  private static void sql(
      StreamExecutionEnvironment env,
      Input in,
      PipelineSettings settings,
      LocalHandle<ReplayProgress> progress) {
    DataStream<RawRecord> raw = source(env, in, settings, progress);
    DataStream<SeriesEvent> series =
        DemandPipeline.ingest(raw, settings, false)
            .events()
            .flatMap(new ToSeries())
            .name("to-series");
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.createTemporaryView(
        "series",
        tables.fromDataStream(
            series,
            Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build()));
    tables.executeSql("CREATE TEMPORARY VIEW totals AS SELECT * FROM series WHERE category = ''");
    tables.executeSql(
        "CREATE TEMPORARY VIEW categories AS SELECT * FROM series WHERE category <> ''");
    for (String query : queries(settings.windows())) {
      tables.toDataStream(tables.sqlQuery(query)).sinkTo(new DiscardingSink<>());
    }
  }

  /**
   * The HOP queries: every horizon for the district and county totals, the category horizons for
   * categories.
   */
  static List<String> queries(WindowSettings windows) {
    List<String> queries = new ArrayList<>();
    for (Horizon h : windows.horizons()) {
      queries.add(hop("totals", h));
      if (windows.categoryHorizons().contains(h.size())) {
        queries.add(hop("categories", h));
      }
    }
    return queries;
  }

  private static String hop(String view, Horizon h) {
    return "SELECT service, area, category, window_end, COUNT(*) AS events, SUM(a) AS a, SUM(b) AS b "
        + "FROM TABLE(HOP(TABLE "
        + view
        + ", DESCRIPTOR(rowtime), "
        + minutes(h.step())
        + ", "
        + minutes(h.size())
        + ")) GROUP BY service, area, category, window_start, window_end";
  }

  private static String minutes(Duration d) {
    return "INTERVAL '" + d.toMinutes() + "' MINUTE(6)";
  }

  /**
   * 3: the pipeline as {@code replay --archive} builds it (ReplayCommand: the same settings, sinks
   * and object reuse), demand written as line protocol under {@code out}.
   */
  public static Result replay(
      Supplier<StreamExecutionEnvironment> environment,
      Input in,
      Duration resolution,
      Path out,
      String name)
      throws Exception {
    StreamExecutionEnvironment env = environment.get();
    PipelineSettings settings = settings(in);
    String run = "bench";
    return measure(
        env,
        name,
        progress ->
            DemandPipeline.build(
                source(env, in, settings, progress),
                settings
                    .withMaxEventAge(PipelineSettings.DEFAULT_MAX_EVENT_AGE)
                    .forReplay(resolution, in.from()),
                new ReplaySinks(
                    OutputSinks.builder(
                            settings.reference(),
                            new AlertText(settings.reference(), settings.alerts().zone()),
                            run,
                            out)
                        .build(),
                    resolution,
                    in.to(),
                    progress)));
  }

  private static PipelineSettings settings(Input in) {
    ConfigFiles files = in.files();
    ReferenceData reference = ReferenceData.load(files);
    WindowSettings windows = WindowSettings.load(files);
    return PipelineSettings.defaults(
        reference, windows, AlertRules.load(files, reference, windows));
  }

  private static DataStream<RawRecord> source(
      StreamExecutionEnvironment env,
      Input in,
      PipelineSettings settings,
      LocalHandle<ReplayProgress> progress) {
    return ArchiveSource.create(
        env, in.archive(), settings.reference(), in.from(), in.to(), 0, progress);
  }

  /**
   * The job {@code build} makes in {@code env}, its source counting into the progress it is given,
   * run to its end: wall time and records read.
   */
  private static Result measure(
      StreamExecutionEnvironment env, String name, Consumer<LocalHandle<ReplayProgress>> build)
      throws Exception {
    ReplayProgress progress = new ReplayProgress();
    try (LocalHandle<ReplayProgress> handle = LocalHandle.register(progress)) {
      build.accept(handle);
      env.getConfig().enableObjectReuse(); // as replay does
      long began = System.nanoTime();
      env.execute(name);
      return new Result(name, (System.nanoTime() - began) / 1_000_000, progress.events());
    }
  }

  /** A running count per series in keyed state; emits nothing. */
  static final class CountPerSeries extends KeyedProcessFunction<String, SeriesEvent, Long> {
    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext openContext) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void processElement(SeriesEvent e, Context ctx, Collector<Long> out) throws IOException {
      Long n = count.value();
      count.update(n == null ? 1 : n + 1);
    }
  }

  /** The number of (service, district) series of an input: services x districts. */
  public static int serviceDistrictSeries(Input in) {
    ReferenceData reference = ReferenceData.load(in.files());
    return reference.services().size() * reference.districts().size();
  }

  /**
   * The same events over {@code k} times the districts, under {@code dir}: each district becomes k
   * (its own code, and {@code CODE_2} to {@code CODE_k}, each with 1/k of its population), and each
   * event goes to one of its district's k by a hash of its event id (so a duplicate goes where its
   * original went). A configuration folder (the input's, with the new districts.yaml) and an
   * archive with the new districts; events of a district not in districts.yaml are kept as they are
   * (they stay dead letters).
   */
  public static Input spread(Input in, int k, Path dir) throws IOException {
    Path config = Files.createDirectories(dir.resolve("config"));
    for (String file :
        List.of(
            ReferenceData.DISTRICTS_FILE,
            ReferenceData.SERVICES_FILE,
            ReferenceData.SITES_FILE,
            ReferenceData.TERMS_FILE,
            WindowSettings.FILE,
            "alerts.yaml",
            "simulation.yaml")) {
      copyConfig(in.configDir(), file, config);
    }
    ReferenceData reference = ReferenceData.load(in.files());
    StringBuilder districts =
        new StringBuilder(
            "# " + k + " synthetic districts for each real one (bench-replay)\n" + "districts:\n");
    Map<String, String[]> codes = new HashMap<>();
    for (District d : reference.districts()) {
      String[] split = new String[k];
      for (int j = 0; j < k; j++) {
        split[j] = j == 0 ? d.code() : d.code() + "_" + (j + 1);
        districts
            .append("  - code: ")
            .append(split[j])
            .append('\n')
            .append("    name: ")
            .append(j == 0 ? d.name() : d.name() + " " + (j + 1))
            .append('\n')
            .append("    population: ")
            .append(Math.max(1, d.population() / k))
            .append('\n');
      }
      codes.put(d.code(), split);
    }
    Files.writeString(config.resolve(ReferenceData.DISTRICTS_FILE), districts);

    Path archive = dir.resolve("archive");
    List<String> topics = reference.services().stream().map(Service::topic).toList();
    try (Archive.Writer writer = new Archive.Writer(archive)) {
      for (LocalDate day : Archive.days(in.archive(), topics)) {
        for (String topic : topics) {
          for (Path file : Archive.files(in.archive(), topic, day)) {
            for (SpecificRecordBase record : Archive.read(file)) {
              String[] split = codes.get(String.valueOf(record.get("district")));
              if (split != null) {
                record.put(
                    "district",
                    split[Math.floorMod(String.valueOf(record.get("eventId")).hashCode(), k)]);
              }
              writer.write(topic, record);
            }
          }
        }
      }
    }
    return new Input(archive, config, in.from(), in.to());
  }

  private static void copyConfig(Path from, String file, Path to) throws IOException {
    if (from != null) {
      Path source = from.resolve(file);
      if (Files.isRegularFile(source)) {
        Files.copy(source, to.resolve(file));
      }
      return;
    }
    try (InputStream in = ReplayBenchmark.class.getResourceAsStream("/config/" + file)) {
      if (in != null) {
        Files.copy(in, to.resolve(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
