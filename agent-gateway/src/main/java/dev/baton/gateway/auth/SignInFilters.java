package dev.baton.gateway.auth;

import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.rest.Problem;
import io.quarkus.arc.ClientProxy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Around every REST request, so the resources only call {@link AgentAuthenticator#require}:
 *
 * <ol>
 *   <li>an address with too many failed sign-ins ({@link FailedSignIns}) gets 429 with a problem
 *       body and {@code Retry-After}, whatever it sends, a right token included;
 *   <li>a bearer JWT is verified here ({@link JwtSignIn}), without blocking, and the agent it names
 *       kept for the request ({@link VerifiedJwt});
 *   <li>after the resource, a 401 to a request that sent {@code Authorization} counts as a failed
 *       sign-in of its address (a request without the header is not an attempt).
 * </ol>
 */
public class SignInFilters {
  private static final String CLIENT = "baton.sign-in.client";
  private static final String FORWARDED_FOR = "X-Forwarded-For";
  private static final int MAX_ADDRESS = 100;

  private final FailedSignIns failures;
  private final JwtSignIn jwt;
  private final VerifiedJwt verified;
  private final boolean trustForwardedFor;

  @Inject
  public SignInFilters(FailedSignIns failures, JwtSignIn jwt, VerifiedJwt verified, GatewayConfig config) {
    this.failures = failures;
    this.jwt = jwt;
    this.verified = verified;
    this.trustForwardedFor = config.auth().trustForwardedFor();
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Uni<Response> signIn(ContainerRequestContext request, HttpServerRequest http) {
    String client = clientAddress(http.remoteAddress(), request.getHeaderString(FORWARDED_FOR), trustForwardedFor);
    request.setProperty(CLIENT, client);
    Optional<Duration> refused = failures.refusedFor(client);
    if (refused.isPresent()) {
      return Uni.createFrom().item(tooManyFailures(refused.get()));
    }
    String token = AgentAuthenticator.bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (!jwt.enabled() || !JwtSignIn.looksLikeJwt(token)) {
      return Uni.createFrom().nullItem();
    }
    // This request's instance, taken now: the verification may end on another thread, outside
    // the request context (when the issuer's keys had to be fetched).
    VerifiedJwt forThisRequest = ClientProxy.unwrap(verified);
    return jwt.verify(token).map(agent -> {
      agent.ifPresent(a -> forThisRequest.set(token, a));
      return null;
    });
  }

  @ServerResponseFilter
  public void countFailure(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() == 401 && request.getHeaderString(HttpHeaders.AUTHORIZATION) != null
        && request.getProperty(CLIENT) instanceof String client) {
      failures.failed(client);
    }
  }

  /**
   * The address failures are counted by: the connection's, or with {@code trustForwardedFor} the
   * first {@code X-Forwarded-For} hop (the client as the first proxy saw it) when there is one.
   */
  static String clientAddress(SocketAddress remote, String forwardedFor, boolean trustForwardedFor) {
    if (trustForwardedFor && forwardedFor != null) {
      int comma = forwardedFor.indexOf(',');
      String first = (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma)).trim();
      if (!first.isEmpty()) {
        return first.length() > MAX_ADDRESS ? first.substring(0, MAX_ADDRESS) : first;
      }
    }
    if (remote == null) {
      return "unknown";
    }
    return remote.hostAddress() != null ? remote.hostAddress() : String.valueOf(remote.host());
  }

  static Response tooManyFailures(Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    Response problem = Problem.of(429, "Too many failed sign-ins",
        "too many failed sign-ins from this address; retry after " + seconds + " s").getResponse();
    return Response.fromResponse(problem).header("Retry-After", seconds).build();
  }
}
