// What a restore drill checks in its clone's data, beyond PING, the key count and the keyspace.
import { list, number } from "../kinds.js";
import { setting } from "../setting.js";

export const DRILL = [
  setting({
    env: "TENCENTCLOUD_REDIS_DRILL_REQUIRED_KEYS",
    group: "drill",
    kind: list(),
    default: [],
    field: "drillRequiredKeys",
    description: "Keys a restore drill's clone must hold (EXISTS in database 0), comma-separated",
    details:
      "Probes of the data a restore drill verifies: each key is looked up with `EXISTS` on the clone; a missing " +
      "key fails the data-level verification and the report names it. Keys are read as written, split at commas " +
      "(a key with a comma cannot be listed). Unset: no key is required.",
    defaultText: "none",
    example: "product:count,session:index",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_DRILL_MIN_KEYS",
    group: "drill",
    kind: number(0, 1e12, { whole: true }),
    default: 0,
    field: "drillMinKeys",
    description: "The fewest keys a restore drill's clone may hold (all databases); fewer fails the verification",
    details:
      "Compared with the keys of every database in the clone's `INFO keyspace` (`DBSIZE` when it lists none). 0 " +
      "accepts an empty clone (the backup of an empty instance).",
    example: "1000",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_DRILL_MAX_LIFETIME_MINUTES",
    group: "drill",
    kind: number(10, 10_080, { whole: true }),
    default: 120,
    field: "drillMaxLifetimeMinutes",
    description: "How long a restore drill's clone may live before the server's sweep destroys it (minutes)",
    details:
      "At start and every minute, the server destroys the clones of drills older than this that have not ended " +
      "(the clone never ran, or nobody followed the drill to its end), and of drills stopped by a crash; only drill " +
      "clones it recorded, each checked by its tag and name. Keep it above the longest clone time of your backups.",
    example: "90",
  }),
];
