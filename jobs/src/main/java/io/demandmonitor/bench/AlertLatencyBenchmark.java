package io.demandmonitor.bench;

import io.demandmonitor.alerting.AlertRules;
import io.demandmonitor.config.District;
import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.config.Site;
import io.demandmonitor.ingest.Feed;
import io.demandmonitor.ingest.RawRecord;
import io.demandmonitor.pipeline.DemandPipeline;
import io.demandmonitor.pipeline.DiscardingSinks;
import io.demandmonitor.pipeline.PipelineSettings;
import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.CareReferral;
import io.demandmonitor.schema.Channel;
import io.demandmonitor.schema.HelplineCall;
import io.demandmonitor.schema.SafeguardingContact;
import io.demandmonitor.schema.SubjectType;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.TestResult;
import io.demandmonitor.schema.TestType;
import io.demandmonitor.schema.TestingEvent;
import io.demandmonitor.schema.Urgency;
import io.demandmonitor.sink.CallbackSink;
import io.demandmonitor.sink.LocalHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Event-to-alert latency through the whole pipeline on an embedded runtime: events arrive at a
 * steady rate, stamped with the wall clock; most are background testing events that raise nothing,
 * and every 2.5 s each of 30 series (three services in ten districts) gets one more event, so each
 * series climbs through its level 2, 3 and 4 thresholds. The latency of an alert is from the moment
 * the event that crossed the threshold was emitted to the moment the alert reached the sink. Same
 * JVM: the generator and the sink share a clock and a map.
 *
 * <p>The thresholds' minimum duration is set to zero ({@link #withoutMinimumDuration}): it is a
 * deliberate wait in event time (a level must hold 10 minutes before it is raised), so with it
 * every alert comes that long after its crossing by design, and a probe that climbs every 2.5 s
 * never holds a level that long. The benchmark measures what the pipeline adds.
 */
public final class AlertLatencyBenchmark {

  private static final long PROBE_EVERY_MILLIS = 2_500;
  private static final long WARM_UP_MILLIS = 5_000;
  private static final List<String> SERVICES =
      List.of("safeguarding-contacts", "care-referrals", "helpline-calls");

  /**
   * One run's measurements, shared by the generator and the sink (same JVM, reached through a
   * {@link LocalHandle}).
   */
  private static final class Measurements {
    /** When each threshold-crossing event was emitted, by service|district|level. */
    final Map<String, Long> crossed = new ConcurrentHashMap<>();

    /** Latencies of alerts raised or escalated on district series, milliseconds. */
    final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

    void received(SurgeAlert alert) {
      long now = System.currentTimeMillis();
      Long crossedAt =
          crossed.get(alert.getService() + "|" + alert.getDistrict() + "|" + alert.getLevel());
      boolean up =
          alert.getState() == AlertState.RAISED || alert.getState() == AlertState.ESCALATED;
      if (crossedAt != null && up && alert.getDetector().equals("THRESHOLD")) {
        latencies.add(now - crossedAt);
      }
    }
  }

  private AlertLatencyBenchmark() {}

  /** The latencies measured, sorted. */
  public static List<Long> run(
      ReferenceData reference, PipelineSettings settings, int eventsPerSecond) throws Exception {
    Measurements measurements = new Measurements();
    try (LocalHandle<Measurements> handle = LocalHandle.register(measurements)) {
      execute(reference, settings, eventsPerSecond, handle);
    }
    List<Long> sorted = new ArrayList<>(measurements.latencies);
    sorted.sort(null);
    return sorted;
  }

  private static void execute(
      ReferenceData reference,
      PipelineSettings settings,
      int eventsPerSecond,
      LocalHandle<Measurements> handle)
      throws Exception {
    List<String> districts = reference.districts().stream().map(District::code).toList();
    int probes = maxLevel4(reference, settings.alerts(), districts);
    long events = (WARM_UP_MILLIS + probes * PROBE_EVERY_MILLIS + 5_000) * eventsPerSecond / 1000;

    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    DataStream<RawRecord> raw =
        env.fromSource(
                new DataGeneratorSource<>(
                    new Probes(reference, settings.alerts(), districts, handle),
                    events,
                    RateLimiterStrategy.perSecond(eventsPerSecond),
                    TypeInformation.of(RawRecord.class)),
                WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((r, t) -> r.timestamp),
                "paced-events")
            .setParallelism(1);
    DemandPipeline.build(
        raw,
        settings,
        new DiscardingSinks() {
          @Override
          public void alerts(DataStream<SurgeAlert> alerts) {
            alerts
                .sinkTo(new CallbackSink<>(alert -> handle.get().received(alert)))
                .setParallelism(1);
          }
        });
    env.execute("alert-latency");
  }

  /** The rules with every threshold's minimum duration zero, all else as configured. */
  public static AlertRules withoutMinimumDuration(AlertRules rules) {
    List<AlertRules.Threshold> thresholds =
        rules.thresholds().stream()
            .map(
                t ->
                    new AlertRules.Threshold(
                        t.id(),
                        t.service(),
                        t.horizon(),
                        t.measure(),
                        t.levels(),
                        t.county(),
                        t.districts(),
                        t.minCount(),
                        noHold(t.policy())))
            .toList();
    return new AlertRules(
        rules.timeZone(),
        noHold(rules.defaults()),
        thresholds,
        rules.baselines(),
        rules.feeds(),
        rules.incidents());
  }

  private static AlertRules.Policy noHold(AlertRules.Policy policy) {
    return policy == null
        ? new AlertRules.Policy(Duration.ZERO, null, null)
        : new AlertRules.Policy(Duration.ZERO, policy.clearBelow(), policy.coolDown());
  }

  /** How many probe events the series with the highest level-4 count threshold needs. */
  private static int maxLevel4(ReferenceData reference, AlertRules rules, List<String> districts) {
    return SERVICES.stream()
        .flatMap(s -> districts.stream().map(d -> countThresholds(reference, rules, s, d)))
        .mapToInt(levels -> (int) Math.ceil(levels[2]))
        .max()
        .orElseThrow();
  }

  /**
   * The district's 1-hour demand thresholds of the service as counts: a rule on rates per 100,000
   * residents scaled by the district's population.
   */
  static double[] countThresholds(
      ReferenceData reference, AlertRules rules, String service, String district) {
    double perRate = reference.district(district).population() / 100_000.0;
    return rules.thresholds().stream()
        .filter(
            t ->
                t.service().equals(service)
                    && t.horizon().toHours() == 1
                    && t.levelsFor(district) != null
                    && (t.measure().equals("count") || t.measure().equals("rate_per_100k")))
        .map(
            t ->
                t.measure().equals("count")
                    ? t.levelsFor(district)
                    : Arrays.stream(t.levelsFor(district)).map(rate -> rate * perRate).toArray())
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no 1h count or rate_per_100k threshold for " + service + " in " + district));
  }

  /** Background testing events, and the probe events that climb each series through its levels. */
  private static final class Probes implements GeneratorFunction<Long, RawRecord> {
    private final ReferenceData reference;
    private final AlertRules rules;
    private final List<String> districts;
    private final LocalHandle<Measurements> measurements;
    private final Site site;
    private transient long started;
    private transient int[] sent;

    Probes(
        ReferenceData reference,
        AlertRules rules,
        List<String> districts,
        LocalHandle<Measurements> measurements) {
      this.reference = reference;
      this.rules = rules;
      this.districts = districts;
      this.measurements = measurements;
      this.site = reference.sites().get(0);
    }

    @Override
    public RawRecord map(Long index) {
      long now = System.currentTimeMillis();
      if (sent == null) {
        started = now;
        sent = new int[SERVICES.size() * districts.size()];
      }
      long due = now - started - WARM_UP_MILLIS;
      for (int s = 0; s < sent.length && due >= 0; s++) {
        long seriesDue = due / PROBE_EVERY_MILLIS + 1;
        String service = SERVICES.get(s / districts.size());
        String district = districts.get(s % districts.size());
        double[] levels = countThresholds(reference, rules, service, district);
        if (sent[s] < seriesDue && sent[s] < Math.ceil(levels[2])) {
          sent[s]++;
          for (int level = 2; level <= 4; level++) {
            if (sent[s] == (int) Math.ceil(levels[level - 2])) {
              measurements.get().crossed.put(service + "|" + district + "|" + level, now);
            }
          }
          return record(service, probe(service, "p" + index, district, now), index, now);
        }
      }
      return record(
          "testing-events",
          new TestingEvent(
              "b" + index,
              Instant.ofEpochMilli(now),
              site.district(),
              site.id(),
              TestType.LFD_HOME,
              TestResult.NEGATIVE),
          index,
          now);
    }

    private static SpecificRecordBase probe(String service, String id, String district, long now) {
      Instant t = Instant.ofEpochMilli(now);
      return switch (service) {
        case "safeguarding-contacts" ->
            new SafeguardingContact(id, t, district, "SCHOOL", "NEGLECT", SubjectType.CHILD);
        case "care-referrals" ->
            new CareReferral(id, t, district, "GP", "MENTAL_HEALTH", Urgency.ROUTINE);
        default -> new HelplineCall(id, t, district, Channel.PHONE, "FOOD", 30, 300, false);
      };
    }

    private RawRecord record(String service, SpecificRecordBase record, long index, long now) {
      return new RawRecord(
          reference.service(service).topic(),
          0,
          index,
          now,
          null,
          Feed.forService(service).encode(record));
    }
  }
}
