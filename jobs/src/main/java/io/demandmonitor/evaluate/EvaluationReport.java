package io.demandmonitor.evaluate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.demandmonitor.evaluate.EvaluationConfig.SurgeClass;
import io.demandmonitor.evaluate.Scoring.ClassSummary;
import io.demandmonitor.evaluate.Scoring.FalseAlerts;
import io.demandmonitor.evaluate.Scoring.SurgeResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of an evaluation: detection per surge class over every seed, false alerts of the
 * surge-free runs, and every surge's fate; printed as a table, written as JSON.
 *
 * @param input "simulated" or the archive the surges were injected into
 * @param incidents whether the pipeline emitted incidents (otherwise their columns are empty)
 * @param falseAlertsByRun each surge-free run: one per seed (in the order of {@code seeds}) when
 *     simulated, one (the archive as it is) when the surges were injected into an archive
 */
public record EvaluationReport(
    Instant from,
    Instant to,
    Duration warmUp,
    List<Long> seeds,
    String input,
    String alertRules,
    boolean incidents,
    Map<String, SurgeClass> classes,
    List<ClassSummary> detection,
    FalseAlerts falseAlerts,
    List<FalseAlerts> falseAlertsByRun,
    List<SurgeResult> surges,
    Map<String, String> definitions) {

  /** The definitions the figures follow, written into the JSON so it stands on its own. */
  public static final Map<String, String> DEFINITIONS =
      new java.util.TreeMap<>(
          Map.ofEntries(
              Map.entry(
                  "detected",
                  "an alert episode of the surge's service, level >= 2, in a district the surge touches or the "
                      + "county, raised or active between the surge's start and detectUntil (end of hold + grace; for a class "
                      + "with detect-within, that long after the end of the rise)"),
              Map.entry(
                  "hoursToDetect",
                  "from the surge's start (start of its rise) to the first such episode's raise (0 if one was "
                      + "already active)"),
              Map.entry(
                  "episodesPerDetected",
                  "such episodes per detected surge, any rule and any touched area"),
              Map.entry(
                  "falseAlerts",
                  "on the surge-free copy (same seed and base demand, no surges injected): episodes raised in "
                      + "the scored period per service-area (service x district, and service x county) and month (30.44 days)"),
              Map.entry(
                  "detectedByChance",
                  "how many of the same surge windows the surge-free copy's episodes would have 'detected': "
                      + "alerts that fall in a surge's window by chance, included in 'detected'"),
              Map.entry(
                  "detectedAsOneIncident",
                  "detected surges whose window meets exactly one incident of the service touching "
                      + "the surge's areas"),
              Map.entry(
                  "detectedByNewAlerts",
                  "surges detected by an episode the surge-free copy does not have (no episode of the "
                      + "same rule, service and area overlapping it): alerts that would have happened anyway detect nothing"),
              Map.entry(
                  "incidentNotifications",
                  "incidents reaching level >= 3, plus one more for each that then reaches 4: what "
                      + "Grafana's incident rule notifies (docs/dashboards.md)"),
              Map.entry(
                  "notifications",
                  "episodes that reach level >= 3 (raised at 3 or more, or escalated to it), counted once each "
                      + "when they first reach it")));

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE)
          .setSerializationInclusion(JsonInclude.Include.ALWAYS)
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .registerModule(new SimpleModule().addSerializer(Duration.class, new DurationText()))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), this);
  }

  public void print(PrintWriter out) {
    out.printf(
        "Detection of injected surges, %s to %s, seed%s %s, %d days of warm-up before; rules %s; %s%n",
        from,
        to,
        seeds.size() == 1 ? "" : "s",
        seeds.stream().map(String::valueOf).collect(Collectors.joining(", ")),
        warmUp.toDays(),
        alertRules,
        input);
    out.printf(
        "  %-12s %6s %13s %11s %9s %10s %10s %13s %10s %11s%n",
        "class",
        "surges",
        "detected",
        "median time",
        "p90 time",
        "episodes/",
        "incidents/",
        "as one",
        "by chance",
        "new alerts");
    out.printf(
        "  %-12s %6s %13s %11s %9s %10s %10s %13s %10s %11s%n",
        "", "", "", "", "", "detected", "detected", "incident", "", "only");
    for (ClassSummary c : detection) {
      out.printf(
          "  %-12s %6d %13s %11s %9s %10s %10s %13s %10s %11s%n",
          c.surgeClass(),
          c.surges(),
          c.detected() + " (" + percent(c.detectedShare()) + ")",
          hours(c.medianHoursToDetect()),
          hours(c.p90HoursToDetect()),
          number(c.episodesPerDetected(), 1),
          number(c.incidentsPerDetected(), 2),
          share(c.detectedAsOneIncident(), c.surges()),
          count(c.detectedByChance()),
          share(c.detectedByNewAlerts(), c.surges()));
    }
    out.println(
        "  detected: an episode of the surge's service, level >= 2, in a district it touches or the county, from");
    out.println(
        "    its start to the end of its hold + grace (gradual: to 24 h after its rise); times from its start");
    out.println(
        "  as one incident: detected surges whose episodes in that window are one incident; by chance: surge");
    out.println(
        "    windows the surge-free copy's alerts would have 'detected'; new alerts only: detected by an");
    out.println(
        "    episode the surge-free copy does not have (same rule and series, overlapping)");
    FalseAlerts f = falseAlerts;
    out.printf(
        "False alerts on the surge-free copy: %.0f days, %d service-areas%s%n",
        f.days(),
        f.serviceAreas(),
        falseAlertsByRun.size() > 1 ? " (every seed's copy together)" : "");
    out.printf(
        "  episodes at level >= 2: %5d   %6.3f per service-area-month   %5.1f a week%n",
        f.episodes(), f.perServiceAreaMonth(), f.episodesPerWeek());
    out.printf(
        "  episodes at level >= 3: %5d   %6.3f per service-area-month%n",
        f.episodesLevel3(), f.perServiceAreaMonthLevel3());
    out.printf(
        "  notifications (episodes reaching level 3): %d, %.2f a week%n",
        f.notifications(), f.notificationsPerWeek());
    out.printf(
        "  incidents: %s%n",
        f.incidents() == null
            ? "- (this pipeline emits no incidents)"
            : f.incidents()
                + ", "
                + number(f.incidentsPerWeek(), 2)
                + " a week; notifications of incidents (reaching "
                + "level 3, again on reaching 4): "
                + f.incidentNotifications()
                + ", "
                + number(f.incidentNotificationsPerWeek(), 2)
                + " a week");
    if (!f.episodesByRule().isEmpty()) {
      out.println(
          "  episodes by rule: "
              + f.episodesByRule().entrySet().stream()
                  .limit(8)
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")));
    }
    out.flush();
  }

  /**
   * The class definitions as one line each, e.g. "sharp: 10 a seed, one district, 2.0-3.0x + 2-4/h,
   * ...".
   */
  public static String describe(String name, SurgeClass c) {
    return String.format(
        Locale.ROOT,
        "%s: %d a seed, %s, %sx + %s/h, rise %s, hold %s%s%s",
        name,
        c.count(),
        c.countyWide() ? "every district" : "one district",
        range(c.size()),
        range(c.extraPerHour()),
        durations(c.ramp()),
        durations(c.hold()),
        c.startAt() == null ? "" : ", from " + c.startAt(),
        c.detectWithin() == null
            ? ""
            : ", detected within " + format(c.detectWithin()) + " of the end of the rise");
  }

  /** Durations in the JSON as in the YAML: 15m, 4h, 28d. */
  private static final class DurationText extends StdSerializer<Duration> {
    DurationText() {
      super(Duration.class);
    }

    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(format(value));
    }
  }

  private static String range(List<Double> r) {
    return r.get(0).equals(r.get(1)) ? trim(r.get(0)) : trim(r.get(0)) + "-" + trim(r.get(1));
  }

  private static String durations(List<Duration> r) {
    return r.get(0).equals(r.get(1)) ? format(r.get(0)) : format(r.get(0)) + "-" + format(r.get(1));
  }

  /** A duration as in the YAML: 15m, 4h, 28d. */
  public static String describe(Duration d) {
    return format(d);
  }

  static String format(Duration d) {
    if (d.toMinutes() % (24 * 60) == 0 && !d.isZero()) {
      return d.toDays() + "d";
    }
    return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String share(Integer n, int of) {
    return n == null ? "-" : n + " (" + percent(of == 0 ? 0 : (double) n / of) + ")";
  }

  private static String count(Integer n) {
    return n == null ? "-" : String.valueOf(n);
  }

  private static String percent(double share) {
    return Math.round(share * 100) + "%";
  }

  private static String hours(Double h) {
    return h == null ? "-" : String.format(Locale.ROOT, "%.1f h", h);
  }

  private static String number(Double v, int decimals) {
    return v == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
