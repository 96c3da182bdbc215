package io.demandmonitor.config;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The reference data every job needs: districts and populations, services and categories, testing
 * sites and the school-term calendar. Loaded and validated once at start-up, then shipped to
 * operators (it is small and serializable).
 */
public final class ReferenceData implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String DISTRICTS_FILE = "districts.yaml";
  public static final String SERVICES_FILE = "services.yaml";
  public static final String SITES_FILE = "sites.yaml";
  public static final String TERMS_FILE = "term-calendar.yaml";

  private final Map<String, District> districts;
  private final Map<String, Service> servicesById;
  private final Map<String, Service> servicesByTopic;
  private final Map<String, Site> sites;
  private final List<SchoolTerm> terms;
  private final long countyPopulation;
  private final String servicesFile;

  private ReferenceData(
      List<District> districts,
      List<Service> services,
      List<Site> sites,
      List<SchoolTerm> terms,
      String servicesFile) {
    this.servicesFile = servicesFile;
    this.districts = index(districts, District::code);
    this.servicesById = index(services, Service::id);
    this.servicesByTopic = index(services, Service::topic);
    this.sites = index(sites, Site::id);
    this.terms = List.copyOf(terms);
    this.countyPopulation = districts.stream().mapToLong(District::population).sum();
  }

  record DistrictsFile(List<District> districts) {}

  record ServicesFile(List<Service> services) {}

  record SitesFile(List<Site> sites) {}

  record TermsFile(List<SchoolTerm> terms) {}

  public static ReferenceData load(ConfigFiles files) {
    List<District> districts = validDistricts(files);
    Set<String> districtCodes = districts.stream().map(District::code).collect(Collectors.toSet());
    return new ReferenceData(
        districts,
        validServices(files),
        validSites(files, districtCodes),
        validTerms(files),
        files.describe(SERVICES_FILE));
  }

  private static List<District> validDistricts(ConfigFiles files) {
    List<District> list = files.read(DISTRICTS_FILE, DistrictsFile.class).districts();
    Problems problems = files.problems(DISTRICTS_FILE);
    problems.require(
        list != null && !list.isEmpty(), "districts", list, "at least one district is needed");
    Set<String> seen = new HashSet<>();
    for (int i = 0; list != null && i < list.size(); i++) {
      District d = list.get(i);
      String key = "districts[" + i + "]";
      problems.require(
          isCode(d.code()),
          key + ".code",
          d.code(),
          "must be an upper-case code like WELWYN_HATFIELD");
      problems.require(
          d.code() == null || seen.add(d.code()), key + ".code", d.code(), "is listed twice");
      problems.requireName(key + ".name", d.name());
      problems.require(
          d.population() > 0,
          key + ".population",
          d.population(),
          "must be a positive number of residents");
    }
    problems.throwIfAny();
    return list;
  }

  private static List<Service> validServices(ConfigFiles files) {
    List<Service> list = files.read(SERVICES_FILE, ServicesFile.class).services();
    Problems problems = files.problems(SERVICES_FILE);
    problems.require(
        list != null && !list.isEmpty(), "services", list, "at least one service is needed");
    Set<String> ids = new HashSet<>();
    Set<String> topics = new HashSet<>();
    for (int i = 0; list != null && i < list.size(); i++) {
      Service s = list.get(i);
      String key = "services[" + i + "]";
      problems.require(
          s.id() != null && s.id().matches("[a-z][a-z0-9-]*"),
          key + ".id",
          s.id(),
          "must be a lower-case id like helpline-calls");
      problems.require(s.id() == null || ids.add(s.id()), key + ".id", s.id(), "is listed twice");
      problems.requireName(key + ".name", s.name());
      problems.requireName(key + ".topic", s.topic());
      problems.require(
          s.topic() == null || topics.add(s.topic()),
          key + ".topic",
          s.topic(),
          "is already the topic of another service");
      problems.require(
          s.categoryField() != null && !s.categoryField().isBlank(),
          key + ".category-field",
          s.categoryField(),
          "must name the event field that holds the category");
      problems.require(
          s.categories() != null && !s.categories().isEmpty(),
          key + ".categories",
          s.categories(),
          "at least one category is needed");
      if (s.categories() != null) {
        for (int c = 0; c < s.categories().size(); c++) {
          problems.require(
              isCode(s.categories().get(c)),
              key + ".categories[" + c + "]",
              s.categories().get(c),
              "must be an upper-case code");
        }
      }
    }
    problems.throwIfAny();
    return list;
  }

  private static List<Site> validSites(ConfigFiles files, Set<String> districtCodes) {
    List<Site> list = files.read(SITES_FILE, SitesFile.class).sites();
    Problems problems = files.problems(SITES_FILE);
    Set<String> ids = new HashSet<>();
    for (int i = 0; list != null && i < list.size(); i++) {
      Site s = list.get(i);
      String key = "sites[" + i + "]";
      problems.requireName(key + ".id", s.id());
      problems.requireName(key + ".name", s.name());
      problems.require(s.id() == null || ids.add(s.id()), key + ".id", s.id(), "is listed twice");
      problems.require(
          districtCodes.contains(s.district()),
          key + ".district",
          s.district(),
          "is not a district code from " + DISTRICTS_FILE);
      problems.require(
          s.opens() != null && s.closes() != null && s.opens().isBefore(s.closes()),
          key + ".opens",
          s.opens() + "-" + s.closes(),
          "opening time must be before closing time");
    }
    problems.throwIfAny();
    return list == null ? List.of() : list;
  }

  private static List<SchoolTerm> validTerms(ConfigFiles files) {
    List<SchoolTerm> list = files.read(TERMS_FILE, TermsFile.class).terms();
    Problems problems = files.problems(TERMS_FILE);
    for (int i = 0; list != null && i < list.size(); i++) {
      SchoolTerm t = list.get(i);
      String key = "terms[" + i + "]";
      problems.require(
          t.start() != null && t.end() != null && !t.end().isBefore(t.start()),
          key + ".end",
          t.end(),
          "must not be before start " + t.start());
    }
    problems.throwIfAny();
    return list == null ? List.of() : list;
  }

  private static boolean isCode(String s) {
    return s != null && s.matches("[A-Z][A-Z0-9_]*");
  }

  private static <T> Map<String, T> index(List<T> items, Function<T, String> key) {
    Map<String, T> map = new LinkedHashMap<>();
    items.forEach(item -> map.put(key.apply(item), item));
    return map;
  }

  public List<District> districts() {
    return List.copyOf(districts.values());
  }

  public District district(String code) {
    return districts.get(code);
  }

  /** How the county total is named on dashboards and in messages. */
  public static final String COUNTY_NAME = "County";

  /** A district's display name, or {@link #COUNTY_NAME} for any other area code (COUNTY). */
  public String areaName(String area) {
    District d = district(area);
    return d == null ? COUNTY_NAME : d.name();
  }

  /** Residents of a district, or of the county for any other area code (COUNTY). */
  public long population(String area) {
    District d = district(area);
    return d == null ? countyPopulation : d.population();
  }

  public long countyPopulation() {
    return countyPopulation;
  }

  /** Where the services came from, for messages about them. */
  public String servicesFile() {
    return servicesFile;
  }

  public List<Service> services() {
    return List.copyOf(servicesById.values());
  }

  public Service service(String id) {
    return servicesById.get(id);
  }

  public Service serviceForTopic(String topic) {
    return servicesByTopic.get(topic);
  }

  public List<Site> sites() {
    return List.copyOf(sites.values());
  }

  public Site site(String id) {
    return sites.get(id);
  }

  /**
   * Term time, including weekends inside a term. Days the calendar does not cover count as term
   * time.
   */
  public boolean isSchoolHoliday(LocalDate day) {
    boolean covered =
        terms.stream().anyMatch(t -> !day.isBefore(t.start()))
            && terms.stream().anyMatch(t -> !day.isAfter(t.end()));
    if (!covered) {
      return false;
    }
    return terms.stream().noneMatch(t -> t.contains(day));
  }
}
