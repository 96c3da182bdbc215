package io.demandmonitor.config;

import java.io.Serializable;
import java.time.LocalTime;

/** A testing site in a district, with its opening hours (local time). */
public record Site(
    String id,
    String name,
    String district,
    String kind,
    LocalTime opens,
    LocalTime closes,
    boolean weekdaysOnly)
    implements Serializable {}
