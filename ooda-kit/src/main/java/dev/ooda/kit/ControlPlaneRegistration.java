package dev.ooda.kit;

import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.Instance;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import java.net.URI;
import java.util.List;

/**
 * Registration over the control plane's registry API. The lease is renewed in the background by
 * heartbeats that carry the whole registration, so an instance whose control node dies registers
 * again, under the same id, with the next node it can reach.
 */
public final class ControlPlaneRegistration implements Registration {
  private final RegistryClient client;

  /** {@code controlNodes}: base URLs of one or more control nodes, e.g. {@code http://127.0.0.1:9900}. */
  public ControlPlaneRegistration(List<URI> controlNodes) {
    this(controlNodes, null);
  }

  /** Registering with the service's tokens ({@code tokens} may be null: a service without a credential). */
  public ControlPlaneRegistration(List<URI> controlNodes, TokenSource tokens) {
    RegistryClient c = new RegistryClient(controlNodes);
    this.client = tokens == null ? c : c.withTokens(tokens);
  }

  @Override
  public Registered register(Instance i) {
    return register(i, null);
  }

  @Override
  public Registered register(Instance i, String openapi) {
    InstanceRegistration r = new InstanceRegistration(
        i.version(), i.host(), i.port(), i.zone(), i.metadata(), i.healthPath(), i.status());
    InstanceLease lease;
    try {
      lease = client.register(i.service(), r, openapi);
    } catch (ProblemException e) {
      // A refused contract is final; anything else (the registry away) is worth another try.
      if (openapi != null && (e.problem().is(ProblemType.CONTRACT_BREAKING) || e.problem().is(ProblemType.INVALID))) throw e;
      throw new IllegalStateException(e.getMessage(), e);
    }
    return new Registered() {
      @Override
      public com.fasterxml.jackson.databind.JsonNode contract() {
        return lease.contract();
      }

      @Override
      public String instanceId() {
        return lease.id();
      }

      @Override
      public void drain() {
        client.setStatus(i.service(), lease.id(), Instance.Status.DRAINING);
      }

      @Override
      public void close() {
        lease.close();
      }
    };
  }
}
