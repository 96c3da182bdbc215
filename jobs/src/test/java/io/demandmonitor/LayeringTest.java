package io.demandmonitor;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The one rule of dependencies (docs/architecture.md): a package uses only the packages below it.
 * From the bottom: the shared model (configuration, Avro schemas, archived and health records),
 * ingestion, demand windows, alerting, the pipeline that joins them, the sinks and the simulator it
 * writes to and reads from, replay, the evaluation and benchmark runs, and the command line.
 */
class LayeringTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.demandmonitor");

  @Test
  void packagesFormLayersThatOnlyUseTheLayersBelow() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("model")
        .definedBy(
            "io.demandmonitor.config..", "io.demandmonitor.schema..", "io.demandmonitor.model..")
        .layer("ingest")
        .definedBy("io.demandmonitor.ingest..")
        .layer("demand")
        .definedBy("io.demandmonitor.demand..")
        .layer("alerting")
        .definedBy("io.demandmonitor.alerting..")
        .layer("pipeline")
        .definedBy("io.demandmonitor.pipeline..")
        .layer("outputs and inputs")
        .definedBy("io.demandmonitor.sink..", "io.demandmonitor.simulate..")
        .layer("replay")
        .definedBy("io.demandmonitor.replay..")
        .layer("runs")
        .definedBy("io.demandmonitor.evaluate..", "io.demandmonitor.bench..")
        .layer("cli")
        .definedBy("io.demandmonitor.cli..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("runs")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("replay")
        .mayOnlyBeAccessedByLayers("runs", "cli")
        .whereLayer("outputs and inputs")
        .mayOnlyBeAccessedByLayers("replay", "runs", "cli")
        .whereLayer("pipeline")
        .mayOnlyBeAccessedByLayers("outputs and inputs", "replay", "runs", "cli")
        .whereLayer("alerting")
        .mayOnlyBeAccessedByLayers("pipeline", "outputs and inputs", "replay", "runs", "cli")
        .whereLayer("demand")
        .mayOnlyBeAccessedByLayers(
            "alerting", "pipeline", "outputs and inputs", "replay", "runs", "cli")
        .whereLayer("ingest")
        .mayOnlyBeAccessedByLayers(
            "demand", "alerting", "pipeline", "outputs and inputs", "replay", "runs", "cli")
        .check(MAIN);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.demandmonitor.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
