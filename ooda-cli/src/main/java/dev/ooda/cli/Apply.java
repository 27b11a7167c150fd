package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "apply", description = "Create or update resources from YAML documents, all or nothing.")
final class Apply implements Callable<Integer> {
  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML file with one or more documents; '-' reads standard input. Repeatable.")
  List<String> files;

  @Mixin ClientOptions client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    StringBuilder docs = new StringBuilder();
    for (String f : files) {
      String text;
      if (f.equals("-")) {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } else {
        try {
          text = Files.readString(Path.of(f));
        } catch (NoSuchFileException e) {
          throw new ParameterException(spec.commandLine(), "no such file: " + f);
        }
      }
      if (docs.length() > 0) docs.append("\n---\n");
      docs.append(text);
    }
    JsonNode r = client.client().apply(docs.toString());
    for (JsonNode o : r.get("results")) {
      spec.commandLine().getOut().printf("%s/%s %s (version %d)%n",
          o.get("kind").asText().toLowerCase(java.util.Locale.ROOT), o.get("name").asText(),
          o.get("action").asText(), o.get("version").asLong());
    }
    return 0;
  }
}
