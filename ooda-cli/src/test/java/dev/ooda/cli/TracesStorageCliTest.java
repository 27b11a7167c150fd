package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ooda serve traces} refuses bad storage settings naming the flag, before starting anything. */
class TracesStorageCliTest {

  private static void refused(String expected, String... storageArgs) {
    String[] args = new String[storageArgs.length + 4];
    args[0] = "serve";
    args[1] = "traces";
    args[2] = "--port";
    args[3] = "0";
    System.arraycopy(storageArgs, 0, args, 4, storageArgs.length);
    UpTest.Result r = UpTest.ooda(null, args);
    assertThat(r.code()).as(r.err()).isNotZero();
    assertThat(r.err()).as(String.join(" ", args)).contains("error: " + expected);
  }

  @Test
  void badStorageSettingsNameTheirFlag() {
    refused("--storage must be memory or cassandra, not 'mongo'", "--storage", "mongo");
    refused("--storage cassandra needs --contact-points", "--storage", "cassandra");
    refused("--contact-points: '127.0.0.1:nine' has port 'nine', not a port (1-65535)",
        "--storage", "cassandra", "--contact-points", "127.0.0.1:nine");
    refused("--contact-points: ':9042' has no host", "--storage", "cassandra", "--contact-points", "a:9042,:9042");
    refused("--contact-points is for --storage cassandra", "--contact-points", "127.0.0.1:9042");
    refused("--keyspace must be a letter then up to 47 letters, digits or _, not 'zip-kin'",
        "--storage", "cassandra", "--contact-points", "127.0.0.1", "--keyspace", "zip-kin");
    refused("--local-dc must not be blank", "--storage", "cassandra", "--contact-points", "127.0.0.1", "--local-dc", " ");
  }

  @Test
  void anUnreachableClusterIsNamed() {
    refused("cannot use Cassandra at 127.0.0.1:1 (datacenter datacenter1, keyspace zipkin2)",
        "--storage", "cassandra", "--contact-points", "127.0.0.1:1");
  }
}
