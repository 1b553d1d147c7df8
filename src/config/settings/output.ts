// Logs, language, and the polling and progress of check_task's wait.
import { LANGUAGES } from "../../i18n/index.js";
import { number, oneOf } from "../kinds.js";
import { setting } from "../setting.js";
import { LOG_LEVELS } from "../types.js";

export const OUTPUT = [
  setting({
    env: "TENCENTCLOUD_REDIS_LOG_LEVEL",
    flag: "log-level",
    metavar: "<level>",
    group: "output",
    kind: oneOf(LOG_LEVELS, (label) => `${label} must be one of ${LOG_LEVELS.join(", ")}`),
    default: "info",
    field: "logLevel",
    description: "stderr level, and the MCP notification level until the client sends logging/setLevel",
    example: "debug",
  }),
  setting({
    env: "TENCENTCLOUD_LANGUAGE",
    group: "output",
    kind: oneOf(LANGUAGES),
    default: "en-US",
    field: "language",
    description: "en-US or zh-CN: language of the confirmation form, the plan's warning and the API's messages",
    details:
      "tccli's `--language` values: the API's `X-TC-Language` (the language of its error messages) and of the texts " +
      "a person reads without a model in between: the confirmation form, the plan's `warning` and backup age, " +
      "`check_task`'s progress messages, `doctor`'s report (its table; `--json` keeps English keys and words), the " +
      "demo. Tool names, arguments, codes and tool descriptions stay English.",
    example: "zh-CN",
    bundle: { key: "language", title: "Language" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_POLL_INITIAL_MS",
    group: "output",
    kind: number(10, 60_000, { unit: "ms" }),
    default: 1000,
    field: "poll.initialMs",
    description: "First poll interval of a check_task wait",
    details: "Also the pause between the lookups for a task whose answer was lost.",
    example: "100",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_POLL_MAX_MS",
    group: "output",
    kind: number(10, 60_000, { unit: "ms" }),
    default: 5000,
    field: "poll.maxMs",
    description: "Longest poll interval",
    example: "1000",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_PROGRESS_EVERY_MS",
    group: "output",
    kind: number(10, 60_000, { unit: "ms" }),
    default: 10_000,
    field: "poll.progressEveryMs",
    description: "Longest silence between progress notifications while waiting",
    example: "1000",
  }),
] as const;
