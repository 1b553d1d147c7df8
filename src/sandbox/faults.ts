// Faults the fake can be told to answer with, per action, for the tests: API errors, HTTP errors, bodies that
// are not the API's JSON, dropped and hanging connections, delays. Any action, the clone route's included: e.g.
// fake.inject("CloneInstances", { kind: "drop", phase: "after" }, 1) buys the clone and loses the answer.
// What happens after an answer (a task or an order that fails) is the model's: state.failNextRestore(),
// state.failNextDelivery() (CloneInstances' order ends in status 5, nothing bought).

export type Fault =
  | { kind: "error"; code: string; message?: string }
  /** Wait, then process the request normally. */
  | { kind: "delay"; ms: number }
  /** A non-200 answer (default body: an HTML error page). */
  | { kind: "status"; status: number; body?: string; contentType?: string }
  /** HTTP 200 with an arbitrary body (default content type application/json). */
  | { kind: "body"; body: string; contentType?: string }
  /** Destroy the socket without answering; "after" runs the action first. */
  | { kind: "drop"; phase: "before" | "after" }
  /** Never answer; "after" runs the action first. The socket stays open until the client gives up or close(). */
  | { kind: "hang"; phase: "before" | "after" };

/** Faults queued per action ("*": any action), used in order, each a number of times. */
export class FaultQueue {
  private readonly queues = new Map<string, Array<{ fault: Fault; remaining: number }>>();

  add(action: string, fault: Fault, times: number): void {
    const queue = this.queues.get(action) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(action, queue);
  }

  /** The next fault for a request of `action` (its own queue first, then "*"), consuming one use. */
  take(action: string): Fault | undefined {
    for (const key of [action, "*"]) {
      const head = this.queues.get(key)?.[0];
      if (!head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) this.queues.get(key)?.shift();
      return head.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queues.clear();
  }
}
