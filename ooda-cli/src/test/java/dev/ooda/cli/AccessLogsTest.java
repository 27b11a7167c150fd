package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The access log rolls, gzips and deletes so that it never holds more than its cap on disk. */
class AccessLogsTest {
  @TempDir Path dataDir;

  @Test
  void writingFarPastTheCapKeepsTheDirectoryWithinIt() throws IOException {
    AccessLogs.Limits limits = new AccessLogs.Limits(FileSize.valueOf("10KB"), 7, FileSize.valueOf("50KB"));
    Path live = AccessLogs.writeTo(dataDir, limits);
    Logger access = LoggerFactory.getLogger("ooda.access");
    long written = 0;
    for (int i = 0; written < 40 * limits.totalSizeCap().getSize(); i++) {
      // varied lines, so that gzip shrinks them no more than real ones
      String line = "{\"ts\":" + (1_700_000_000_000L + i * 7919L % 100_003) + ",\"service\":\"svc" + (i * 31 % 97)
          + "\",\"trace_id\":\"" + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "\",\"route\":\"/things/" + i
          + "\",\"status\":200,\"duration_ms\":" + (i % 1000) / 7.0 + "}";
      access.info(line);
      written += line.length() + 1; // some are dropped: the writer drops lines rather than block
    }
    stop();

    List<Path> files;
    try (Stream<Path> list = Files.list(live.getParent())) {
      files = list.sorted().toList();
    }
    long total = 0;
    for (Path f : files) total += Files.size(f);
    assertThat(total).as("bytes in %s", files).isLessThanOrEqualTo(limits.totalSizeCap().getSize());
    assertThat(files).contains(live);
    List<Path> rolled = files.stream().filter(f -> !f.equals(live)).toList();
    assertThat(rolled).hasSizeGreaterThan(1)
        .allSatisfy(f -> assertThat(f.getFileName().toString()).matches("access\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.log\\.gz"));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(rolled.get(rolled.size() - 1)))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("{\"ts\":").endsWith("}\n");
    }
    // the oldest rolled files went
    assertThat(rolled).noneSatisfy(f -> assertThat(f.getFileName().toString()).endsWith(".0.log.gz"));
  }

  @Test
  void limitsLeaveRoomForTheLiveAndTheCompressingFile() {
    assertThatThrownBy(() -> new AccessLogs.Limits(FileSize.valueOf("100MB"), 7, FileSize.valueOf("200MB")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(AccessLogs.Limits.DEFAULTS.archiveCap()).isEqualTo((1L << 30) - (200L << 20));
  }

  /** Flushes the queue and waits for compression and clean-up, as the shutdown hook does. */
  private static void stop() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger access = ctx.getLogger("ooda.access");
    var async = access.getAppender("access-async");
    access.detachAppender(async);
    async.stop();
  }
}
