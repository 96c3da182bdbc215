package io.demandmonitor.config;

import java.io.Serializable;

/** A district or borough council area; population turns counts into rates per 100,000. */
public record District(String code, String name, int population) implements Serializable {}
