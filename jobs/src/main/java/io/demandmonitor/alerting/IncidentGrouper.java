package io.demandmonitor.alerting;

import io.demandmonitor.schema.AlertState;
import io.demandmonitor.schema.IncidentState;
import io.demandmonitor.schema.SurgeAlert;
import io.demandmonitor.schema.SurgeIncident;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Groups the episodes of one surge into one incident, so that a surge is announced once however
 * many rules and areas it trips. Keyed by service: an episode of any rule in any area of the county
 * joins the service's open incident, or opens one. An incident whose episodes have all resolved
 * still takes an episode raised within {@code gap} (inclusive) of the last resolving, and closes
 * when the gap has passed without one. Emits OPENED, UPDATED (its level, areas or rules changed;
 * level 1 when its last open episode resolved) and CLOSED; its id is the service and the event time
 * it opened, so a replay gives the same ids.
 *
 * <p>The alerts of different areas come from different subtasks in no fixed order, so they wait in
 * state until the watermark passes their time and are applied in event-time order (by alert id
 * within one time): the grouping does not depend on arrival order. That delays an incident change
 * by the watermark's lag behind the episode change (the out-of-orderness, 2 minutes by default).
 * State: the waiting alerts by time, the open incident and its open episodes (alert id to level),
 * all cleared when it closes; event-time timers for the waiting alerts and the close.
 */
public final class IncidentGrouper extends KeyedProcessFunction<String, SurgeAlert, SurgeIncident> {

  private final long gap;

  private transient MapState<Long, List<SurgeAlert>> waiting;
  private transient ValueState<SurgeIncident> incident;
  private transient MapState<String, Integer> openEpisodes;

  public IncidentGrouper(Duration gap) {
    this.gap = gap.toMillis();
  }

  @Override
  public void open(OpenContext context) {
    waiting =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "waiting-alerts",
                    Types.LONG,
                    Types.LIST(TypeInformation.of(SurgeAlert.class))));
    incident =
        getRuntimeContext().getState(new ValueStateDescriptor<>("incident", SurgeIncident.class));
    openEpisodes =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("open-episodes", Types.STRING, Types.INT));
  }

  @Override
  public void processElement(SurgeAlert alert, Context ctx, Collector<SurgeIncident> out)
      throws Exception {
    // A change dated at or behind the watermark (a late correction raised it) is applied at the
    // next one.
    long due =
        Math.max(alert.getChangedAt().toEpochMilli(), ctx.timerService().currentWatermark() + 1);
    List<SurgeAlert> alerts = waiting.get(due);
    if (alerts == null) {
      alerts = new ArrayList<>();
      ctx.timerService().registerEventTimeTimer(due);
    }
    alerts.add(alert);
    waiting.put(due, alerts);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<SurgeIncident> out)
      throws Exception {
    List<SurgeAlert> alerts = waiting.get(time);
    if (alerts != null) {
      waiting.remove(time);
      apply(alerts, time, ctx, out);
    }
    SurgeIncident current = incident.value();
    if (closes(current, time)) {
      out.collect(
          SurgeIncident.newBuilder(current)
              .setState(IncidentState.CLOSED)
              .setChangedAt(Instant.ofEpochMilli(time))
              .build());
      incident.clear();
      openEpisodes.clear();
    }
  }

  /**
   * Whether the gap has passed since the incident's last open episode resolved. Also at the end of
   * a bounded input (the watermark jumps to the end of time): a fast bounded run applies most of
   * its alerts then, in event-time order, and an incident left open there would take the next
   * episode hours later.
   */
  private boolean closes(SurgeIncident current, long time) {
    return current != null
        && current.getQuietSince() != null
        && time >= current.getQuietSince().toEpochMilli() + gap;
  }

  private void apply(
      List<SurgeAlert> alerts, long time, OnTimerContext ctx, Collector<SurgeIncident> out)
      throws Exception {
    SurgeIncident current = incident.value();
    Set<String> areas = new TreeSet<>(current == null ? List.of() : current.getAreas());
    Set<String> rules = new TreeSet<>(current == null ? List.of() : current.getRules());
    int episodes = current == null ? 0 : current.getEpisodes();
    // A provisional raise that the final value of the same window withdrew (Episode): as if never
    // raised.
    Set<String> withdrawn =
        alerts.stream()
            .filter(
                a ->
                    a.getState() == AlertState.RESOLVED
                        && a.getChangedAt().equals(a.getEpisodeStart()))
            .map(SurgeAlert::getAlertId)
            .collect(Collectors.toSet());
    alerts.sort(
        Comparator.comparing(
            SurgeAlert::getAlertId)); // stable: one episode's changes keep their order
    for (SurgeAlert alert : alerts) {
      String id = alert.getAlertId();
      if (alert.getState() == AlertState.RESOLVED || withdrawn.contains(id)) {
        openEpisodes.remove(id);
        continue;
      }
      // Also an episode first seen escalated: raised before this operator existed (a restored older
      // job).
      if (!openEpisodes.contains(id)) {
        episodes++;
      }
      openEpisodes.put(id, alert.getLevel());
      areas.add(alert.getDistrict());
      rules.add(id.split("/")[2]); // alert ids are service/area/rule-id/start
    }
    int level = 1;
    int open = 0;
    for (int episodeLevel : openEpisodes.values()) {
      level = Math.max(level, episodeLevel);
      open++;
    }
    if (current == null && open == 0) {
      return; // nothing raised that lasted
    }
    Instant at = Instant.ofEpochMilli(time);
    SurgeIncident.Builder next =
        current == null
            ? SurgeIncident.newBuilder()
                .setIncidentId(ctx.getCurrentKey() + "/" + at)
                .setService(ctx.getCurrentKey())
                .setState(IncidentState.OPENED)
                .setPeakLevel(level)
                .setStart(at)
            : SurgeIncident.newBuilder(current)
                .setState(IncidentState.UPDATED)
                .setPeakLevel(Math.max(current.getPeakLevel(), level));
    Instant quietSince =
        open > 0 ? null : current.getQuietSince() != null ? current.getQuietSince() : at;
    SurgeIncident changed =
        next.setLevel(level)
            .setAreas(List.copyOf(areas))
            .setRules(List.copyOf(rules))
            .setOpenEpisodes(open)
            .setEpisodes(episodes)
            .setQuietSince(quietSince)
            .setChangedAt(at)
            .build();
    incident.update(changed);
    boolean closesNow = closes(changed, time); // then only CLOSED (onTimer)
    if (quietSince != null && current.getQuietSince() == null && !closesNow) {
      ctx.timerService().registerEventTimeTimer(time + gap);
    }
    // Areas and rules only ever join: a longer list is a change.
    if (!closesNow
        && (current == null
            || level != current.getLevel()
            || areas.size() != current.getAreas().size()
            || rules.size() != current.getRules().size())) {
      out.collect(changed);
    }
  }
}
