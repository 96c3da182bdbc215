package io.demandmonitor.sink;

import io.demandmonitor.config.ReferenceData;
import io.demandmonitor.demand.RollingValue;
import io.demandmonitor.demand.SeriesEvent;
import io.demandmonitor.ingest.HealthEvent;
import io.demandmonitor.pipeline.PipelineSinks;
import io.demandmonitor.schema.DeadLetter;
import java.nio.file.Path;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Outputs of the embedded run that need no server: InfluxDB line-protocol files under
 * {@code out/demand}, dead letters as JSON lines under {@code out/dead-letters} (or to the
 * dead-letter topic when reading Kafka), and the console board. Files are committed on each
 * checkpoint and at the end of the run.
 */
public final class EmbeddedSinks implements PipelineSinks {

  private final Path outDir;
  private final LineProtocol lineProtocol;
  private final Sink<DeadLetter> deadLetterTopic;

  /** @param deadLetterTopic where dead letters go instead of files, or null */
  public EmbeddedSinks(Path outDir, ReferenceData reference, Sink<DeadLetter> deadLetterTopic) {
    this.outDir = outDir;
    this.lineProtocol = new LineProtocol(reference);
    this.deadLetterTopic = deadLetterTopic;
  }

  @Override
  public void demand(DataStream<RollingValue> rolling) {
    LineProtocol points = lineProtocol;
    rolling.flatMap(points::lines).returns(String.class).name("demand-line-protocol")
        .sinkTo(files("demand", ".lp")).name("demand-files").uid("demand-files");
    rolling.filter(v -> SeriesEvent.COUNTY.equals(v.area) && v.category.isEmpty()).name("county-totals")
        .sinkTo(new CallbackSink<>(LiveSummary::recordDemand)).name("console-demand").setParallelism(1);
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    if (deadLetterTopic != null) {
      deadLetters.sinkTo(deadLetterTopic).name("dead-letter-topic").uid("dead-letter-topic");
      return;
    }
    deadLetters.map(DeadLetter::toString).name("dead-letter-json")
        .sinkTo(files("dead-letters", ".jsonl")).name("dead-letter-files").uid("dead-letter-files");
  }

  @Override
  public void health(DataStream<HealthEvent> health) {
    health.sinkTo(new CallbackSink<>(LiveSummary::recordHealth)).name("console-health").setParallelism(1);
  }

  private FileSink<String> files(String folder, String suffix) {
    return FileSink
        .forRowFormat(new org.apache.flink.core.fs.Path(outDir.resolve(folder).toAbsolutePath().toUri()),
            new SimpleStringEncoder<String>())
        .withBucketAssigner(new BasePathBucketAssigner<>())
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(folder).withPartSuffix(suffix).build())
        .build();
  }
}
