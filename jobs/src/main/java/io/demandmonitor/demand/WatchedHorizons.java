package io.demandmonitor.demand;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The horizons of each service that alert rules look at: only their values go to the alert
 * evaluation, and a replay keeps every step of them however coarse its grid.
 */
public final class WatchedHorizons implements Serializable {

  private final Map<String, Set<String>> labelsByService = new HashMap<>();

  public WatchedHorizons add(String service, Duration horizon) {
    labelsByService
        .computeIfAbsent(service, s -> new HashSet<>())
        .add(WindowSettings.label(horizon));
    return this;
  }

  /** Whether a rule looks at the service's horizon of this label (RollingValue.horizon). */
  public boolean contains(String service, String horizonLabel) {
    Set<String> labels = labelsByService.get(service);
    return labels != null && labels.contains(horizonLabel);
  }
}
