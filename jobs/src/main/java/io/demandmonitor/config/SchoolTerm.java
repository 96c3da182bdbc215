package io.demandmonitor.config;

import java.io.Serializable;
import java.time.LocalDate;

/** A school term, first and last day inclusive. */
public record SchoolTerm(String name, LocalDate start, LocalDate end) implements Serializable {

  public boolean contains(LocalDate day) {
    return !day.isBefore(start) && !day.isAfter(end);
  }
}
