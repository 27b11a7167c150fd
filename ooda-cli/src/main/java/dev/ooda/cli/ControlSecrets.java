package dev.ooda.cli;

import dev.ooda.control.secrets.SecretStore;
import dev.ooda.data.SecretResolver;
import dev.ooda.model.ProblemException;
import dev.ooda.model.SecretSpec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resolves a namespace's {@code secret:NAME} from the control plane's secrets in this process,
 * and only for a namespace whose owner owns the secret; {@code env:} and {@code file:} as usual.
 * The store is given once the control plane is up ({@code ooda up} starts the data service
 * first); namespaces are pushed only after that.
 */
final class ControlSecrets implements SecretResolver {
  private final AtomicReference<SecretStore> store = new AtomicReference<>();

  void use(SecretStore s) {
    store.set(s);
  }

  @Override
  public String resolve(String reference) {
    return resolve(reference, null);
  }

  @Override
  public String resolve(String reference, String owner) {
    if (!reference.startsWith(SecretSpec.REFERENCE_PREFIX)) return SecretResolver.standard().resolve(reference);
    String name = reference.substring(SecretSpec.REFERENCE_PREFIX.length());
    SecretStore s = store.get();
    if (s == null) throw new IllegalArgumentException("secret " + reference + ": the control plane's secrets are not available yet");
    try {
      SecretSpec spec = s.metadata(name)
          .orElseThrow(() -> new IllegalArgumentException("secret " + name + " does not exist (ooda secret set " + name + ")"))
          .spec(SecretSpec.class);
      if (!spec.owner().equals(owner)) {
        throw new IllegalArgumentException("secret " + name + " is owned by service " + spec.owner()
            + ", not by the namespace's owner " + owner + ": a namespace can use only its owner's secrets");
      }
      return new String(s.current(name).value(), StandardCharsets.UTF_8).trim();
    } catch (ProblemException e) {
      throw new IllegalArgumentException(e.problem().detail());
    }
  }
}
