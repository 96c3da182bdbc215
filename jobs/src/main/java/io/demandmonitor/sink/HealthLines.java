package io.demandmonitor.sink;

import io.demandmonitor.model.HealthEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.influxdb.dto.Point;

/**
 * Pipeline health as {@code pipeline_health} points: per source and 10 s of processing time, how
 * many events were accepted, dead-lettered, late or duplicate. Every source seen is reported every
 * interval, zeros included, so a quiet source shows 0 and a stopped pipeline shows no data. Written
 * by a single writer, so each point holds the whole job's figures.
 */
public final class HealthLines implements ToLines<HealthEvent> {

  private static final List<String> KINDS =
      List.of(
          HealthEvent.ACCEPTED, HealthEvent.DEAD_LETTER, HealthEvent.LATE, HealthEvent.DUPLICATE);
  private static final List<String> FIELDS =
      List.of("accepted", "dead_letters", "late", "duplicates");

  private final String run;
  private final Map<String, long[]> counts = new TreeMap<>();
  private long intervalStart = -1;

  public HealthLines(String run) {
    this.run = run;
  }

  @Override
  public void add(HealthEvent event, long now, Consumer<String> out) {
    roll(now, out);
    int kind = KINDS.indexOf(event.kind);
    if (kind < 0) {
      throw new IllegalArgumentException("unknown health event kind " + event.kind);
    }
    counts.computeIfAbsent(event.source, s -> new long[KINDS.size()])[kind] += event.count;
  }

  @Override
  public void tick(long now, boolean all, Consumer<String> out) {
    roll(now, out);
    if (all) {
      emit(out); // the open interval so far; overwritten when it ends
    }
  }

  /** Emit every interval that has ended, zeros for those without events. */
  private void roll(long now, Consumer<String> out) {
    long start = now - now % InfluxWriter.HEALTH_EVERY;
    if (intervalStart < 0) {
      intervalStart = start;
    }
    while (intervalStart < start) {
      emit(out);
      counts.replaceAll((source, c) -> new long[KINDS.size()]);
      intervalStart += InfluxWriter.HEALTH_EVERY;
    }
  }

  private void emit(Consumer<String> out) {
    counts.forEach(
        (source, c) -> {
          Point.Builder point =
              Point.measurement(LineProtocol.PIPELINE_HEALTH)
                  .time(intervalStart, TimeUnit.MILLISECONDS)
                  .tag("run", run)
                  .tag("source", source);
          for (int i = 0; i < FIELDS.size(); i++) {
            point.addField(FIELDS.get(i), c[i]);
          }
          out.accept(point.build().lineProtocol(TimeUnit.MILLISECONDS));
        });
  }
}
