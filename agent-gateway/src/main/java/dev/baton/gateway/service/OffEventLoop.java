package dev.baton.gateway.service;

/**
 * Redis (Jedis) calls block: they must never run on a Vert.x event loop, where they would stall
 * every connection of that loop. The stores call {@link #check()} first, so a code path that
 * forgets to move to a worker fails loudly (and in tests) instead of slowing everyone down.
 */
public final class OffEventLoop {
  private OffEventLoop() {}

  public static void check() {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      throw new IllegalStateException("blocking Redis call on the event loop thread " + Thread.currentThread().getName());
    }
  }
}
