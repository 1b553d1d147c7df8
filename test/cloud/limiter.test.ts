import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimiter, type Release, sleep } from "../../src/cloud/limiter.js";

/** Unit tests on a virtual clock (vitest's fake timers): the limiter itself keeps no clock, only timers. */
describe("RateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `n` acquires for `key`, recording which have been granted. */
  function start(limiter: RateLimiter, n: number, key = "A", signal?: AbortSignal) {
    const granted: Array<Release | undefined> = Array.from({ length: n }, () => undefined);
    const settled = Array.from({ length: n }, (_, i) =>
      limiter.acquire(key, signal).then((release) => {
        granted[i] = release;
      }),
    );
    return { granted, settled, count: () => granted.filter(Boolean).length };
  }

  it("grants the permits at once, then one per release, a window after it, first come first served", async () => {
    const limiter = new RateLimiter(3, 100);
    const calls = start(limiter, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.count()).toBe(3);
    expect(limiter.queued("A")).toBe(2);
    calls.granted[1]?.();
    await vi.advanceTimersByTimeAsync(99);
    expect(calls.count()).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.granted.map(Boolean)).toEqual([true, true, true, true, false]);
    calls.granted[1]?.(); // a second release of the same permit changes nothing
    calls.granted[0]?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.count()).toBe(5);
    expect(limiter.queued("A")).toBe(0);
  });

  it("keeps one lane per key", async () => {
    const limiter = new RateLimiter(1, 100);
    const a = start(limiter, 2, "A");
    const b = start(limiter, 1, "B");
    await vi.advanceTimersByTimeAsync(0);
    expect([a.count(), b.count()]).toEqual([1, 1]);
  });

  it("a waiter whose signal aborts leaves the queue with ClientError.Cancelled; the next one gets the permit", async () => {
    const limiter = new RateLimiter(1, 100);
    const first = start(limiter, 1);
    const controller = new AbortController();
    const cancelled = limiter.acquire("A", controller.signal);
    const last = start(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "ClientError.Cancelled", notSent: true });
    first.granted[0]?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(last.count()).toBe(1);
    await expect(limiter.acquire("A", controller.signal)).rejects.toMatchObject({ code: "ClientError.Cancelled" });
  });

  it("never lets more than the limit arrive in any window, whatever the latencies", async () => {
    const perSecond = 5;
    const windowMs = 1000;
    const limiter = new RateLimiter(perSecond, windowMs);
    const arrivals: number[] = [];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const request = async () => {
      const release = await limiter.acquire("A");
      const latency = Math.floor(random() * 400);
      const arriveAfter = Math.floor(random() * latency); // the API counts it somewhere in flight
      await sleep(arriveAfter);
      arrivals.push(Date.now());
      await sleep(latency - arriveAfter);
      release();
    };
    const all = Promise.all(Array.from({ length: 60 }, request));
    await vi.advanceTimersByTimeAsync(60_000);
    await all;
    arrivals.sort((x, y) => x - y);
    expect(arrivals).toHaveLength(60);
    for (let i = perSecond; i < arrivals.length; i++) {
      // the fake's rule: a request is refused when `perSecond` others arrived in the 1000 ms before it
      expect((arrivals[i] as number) - (arrivals[i - perSecond] as number)).toBeGreaterThanOrEqual(windowMs);
    }
  });

  it("sleep rejects with ClientError.Cancelled when its signal aborts", async () => {
    const controller = new AbortController();
    const slept = sleep(1000, controller.signal);
    controller.abort();
    await expect(slept).rejects.toMatchObject({ code: "ClientError.Cancelled" });
  });
});
