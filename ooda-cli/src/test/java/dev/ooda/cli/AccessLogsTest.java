package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.AsyncAppender;
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
    long fileSize = limits.maxFileSize().getSize();
    // a file's worth at a time, then the writer and gzip catch up, as when a 100 MB file takes a
    // minute to fill and a second to compress; 10 KB files written flat out would roll faster
    // than the pool compresses them
    for (int i = 0, round = 0; round < 60; round++) {
      for (long written = 0; written < fileSize * 3 / 2; i++) {
        // varied lines, so that gzip shrinks them no more than real ones
        String line = "{\"ts\":" + (1_700_000_000_000L + i * 7919L % 100_003) + ",\"service\":\"svc" + (i * 31 % 97)
            + "\",\"trace_id\":\"" + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "\",\"route\":\"/things/" + i
            + "\",\"status\":200,\"duration_ms\":" + (i % 1000) / 7.0 + "}";
        access.info(line);
        written += line.length() + 1;
      }
      settled(live.getParent());
    }
    stop();

    List<Path> files = settled(live.getParent());
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
  void aLineWrittenWhileTrafficIsLightIsOnDiskAtOnce() throws Exception {
    Path live = AccessLogs.writeTo(dataDir, AccessLogs.Limits.DEFAULTS);
    try {
      LoggerFactory.getLogger("ooda.access").info("{\"route\":\"lonely\"}");
      // Buffered for bursts, but flushed when the queue has nothing more: no waiting for 8 KB.
      dev.ooda.testing.Eventually.within(java.time.Duration.ofSeconds(5), () ->
          assertThat(Files.readString(live)).isEqualTo("{\"route\":\"lonely\"}\n"));
    } finally {
      stop();
    }
  }

  @Test
  void limitsLeaveRoomForTheLiveAndTheCompressingFile() {
    assertThatThrownBy(() -> new AccessLogs.Limits(FileSize.valueOf("100MB"), 7, FileSize.valueOf("200MB")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(AccessLogs.Limits.DEFAULTS.archiveCap()).isEqualTo((1L << 30) - (200L << 20));
  }

  /**
   * The files once the writer's queue is empty and no compression is running (stopping waits for
   * the last one only).
   */
  private static List<Path> settled(Path dir) throws IOException {
    var async = (AsyncAppender) ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("ooda.access")
        .getAppender("access-async");
    for (int i = 0; ; i++) {
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.sorted().toList();
      }
      boolean idle = async == null || async.getNumberOfElementsInQueue() == 0;
      if (i == 600 || idle && files.stream().noneMatch(f -> f.toString().endsWith(".tmp"))) return files;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
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
