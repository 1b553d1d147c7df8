// The SDK used directly, in a process of its own (docs/performance.md), so that its CPU time per call can be read like a
// server's: the parent sends { port, taskId, calls }, this process makes that many sequential DescribeTaskInfo
// calls with a keep-alive agent and answers the wall time of each.

import { fileURLToPath } from "node:url";
import { directClient } from "./scenarios.js";

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  let client: ReturnType<typeof directClient> | undefined;
  process.on("message", async (m: { port: number; taskId: number; calls: number }) => {
    client ??= directClient(m.port, true);
    const ms: number[] = [];
    for (let i = 0; i < m.calls; i++) {
      const t0 = performance.now();
      await client.DescribeTaskInfo({ TaskId: m.taskId });
      ms.push(performance.now() - t0);
    }
    process.send?.(ms);
  });
  process.on("disconnect", () => process.exit(0));
}
