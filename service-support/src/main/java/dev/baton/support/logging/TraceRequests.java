package dev.baton.support.logging;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every HTTP request of a service runs in a trace: the caller's {@code traceparent}, if it sent a
 * valid one (a provider's or a load balancer's), else a new one. Its id goes into the MDC as
 * {@code traceId}, for the request's log lines and for what {@code KafkaPublisher} publishes
 * meanwhile (a webhook's events all carry the request's trace). The MDC lives in the request's
 * Vert.x context, which the worker thread running a blocking resource shares.
 */
public class TraceRequests {

  @ServerRequestFilter(preMatching = true)
  public void enter(ContainerRequestContext request) {
    String id = TraceParent.traceId(request.getHeaderString(TraceParent.HEADER));
    LogContext.trace(id == null ? TraceParent.newTraceId() : id);
  }

  @ServerResponseFilter
  public void leave() {
    LogContext.clear();
  }
}
