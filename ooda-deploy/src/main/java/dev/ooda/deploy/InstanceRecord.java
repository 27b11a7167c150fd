package dev.ooda.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What a supervisor writes beside each instance it started ({@code instance.json} in the instance's
 * directory), so that a later supervisor can tell a live instance of its own from a stranger that
 * took the pid: the process's start time and command line must both match.
 *
 * @param startedAtMillis the process's start, as the operating system reports it
 * @param commandLine     the process's command line, as the operating system reports it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceRecord(String service, String version, int index, long pid, int port, Long startedAtMillis,
                             List<String> commandLine) {
  public static final String FILE = "instance.json";

  public InstanceRecord {
    commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
  }

  /** The record of a process just started. */
  static InstanceRecord of(String service, String version, int index, int port, ProcessHandle p) {
    return new InstanceRecord(service, version, index, p.pid(), port,
        p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null), commandLineOf(p));
  }

  /** The live process this record describes, if it still runs as the same program. */
  Optional<ProcessHandle> live() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::sameProcess);
  }

  private boolean sameProcess(ProcessHandle p) {
    Long started = p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null);
    return java.util.Objects.equals(started, startedAtMillis) && commandLineOf(p).equals(commandLine);
  }

  static List<String> commandLineOf(ProcessHandle p) {
    ProcessHandle.Info i = p.info();
    java.util.ArrayList<String> cl = new java.util.ArrayList<>();
    i.command().ifPresent(cl::add);
    i.arguments().ifPresent(a -> cl.addAll(List.of(a)));
    return cl;
  }

  void write(Path dir) throws IOException {
    Path tmp = Files.createTempFile(dir, ".instance", ".tmp");
    Files.write(tmp, ResourceCodec.toJsonBytes(this));
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The record in {@code dir}, or empty when there is none or it cannot be read. */
  static Optional<InstanceRecord> read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) return Optional.empty();
    try {
      return Optional.of(ResourceCodec.json().readValue(Files.readAllBytes(f), InstanceRecord.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
