// The safety state shared by replicas: a composite of load.ts, its other settings read only with the URL.

import { matching, number, text } from "../kinds.js";
import { setting } from "../setting.js";

const STATE_URL = { TENCENTCLOUD_REDIS_STATE_URL: "redis://127.0.0.1:6379/0" };

export const STATE = [
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_URL",
    group: "state",
    kind: text,
    secret: true,
    description: "Redis where confirmation tokens, restore locks and the API budget live, shared by every replica",
    details:
      '`redis://[user:password@]host:port[/db]` (`rediss://` for TLS); see "Running several replicas". Treated as a ' +
      "secret: its password is never logged. Without it: this process's memory.",
    example: STATE_URL.TENCENTCLOUD_REDIS_STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_PREFIX",
    group: "state",
    kind: matching(
      /^[A-Za-z0-9:_.{}-]{1,64}$/,
      (label) => `${label} must be 1-64 letters, digits or :_.{}- (default tcrmcp:)`,
    ),
    default: "tcrmcp:",
    description: "Prefix of every key the server writes in that Redis",
    example: "team-a:",
    exampleWith: STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS",
    group: "state",
    kind: number(1, 600, { unit: "s" }),
    default: 15,
    description: "Expiry of a restore lock in Redis, in seconds",
    details: "Renewed every third of it while its call runs, so only a replica that died lets it lapse.",
    example: "30",
    exampleWith: STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS",
    group: "state",
    kind: number(50, 30_000, { unit: "ms" }),
    default: 1000,
    description: "Longest wait for one Redis command; beyond it the store counts as unavailable for that call",
    example: "200",
    exampleWith: STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_REPLICAS",
    group: "state",
    kind: number(1, 1000, { whole: true }),
    default: 3,
    field: "replicas",
    description: "How many replicas share the account",
    details: "While Redis is unreachable, each limits itself to `TENCENTCLOUD_REDIS_RATE_LIMIT` / this, per action.",
    example: "5",
  }),
] as const;
