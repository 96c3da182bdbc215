package io.demandmonitor.config;

import java.io.Serializable;
import java.util.List;

/**
 * A front door: its id, input topic, and the event field whose value is its demand category, with
 * the categories allowed.
 */
public record Service(
    String id, String name, String topic, String categoryField, List<String> categories)
    implements Serializable {}
