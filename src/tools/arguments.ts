import type { z } from "zod";
import { CloudError, type FieldProblem } from "../cloud/errors.js";

/** Where a value for a commonly mistaken argument comes from: the hint for the first field at fault. */
const FIELD_HINTS: Readonly<Record<string, string>> = {
  instanceId: "instanceId comes from list_instances, like crs-1a2b3c4d",
  backupId: "backupId comes from list_backups for the same instance",
  taskId:
    "taskId comes from the answer of restore_instance or backup_instance: a positive integer, or a string of digits",
  region: "region is a name like ap-guangzhou; leave it out to use the server's default region",
  beginTime: "times look like 2026-11-27 08:00:00 (Beijing time) or ISO 8601 with an offset",
  endTime: "times look like 2026-11-27 08:00:00 (Beijing time) or ISO 8601 with an offset",
  confirmToken:
    "confirmToken comes from restore_instance's confirmation_required answer; leave it out on the first call",
};

const MAX_TEXT = 300;
/** An unknown argument's name is the caller's text too: echoed only this far. */
const MAX_NAME = 64;

/**
 * Checks a tool's arguments against its input schema before anything else runs. Returns the parsed arguments,
 * or throws ClientError.InvalidArgument naming every field at fault, what it expects and where the value comes
 * from. The values themselves are never echoed (they may be a megabyte long, or a password).
 */
export function validateArguments<S extends z.ZodObject>(tool: string, schema: S, args: unknown): z.output<S> {
  // every input schema is synchronous (refinements and transforms included): no promise per call
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const given = (typeof args === "object" && args !== null ? args : {}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  const fields: FieldProblem[] = [];
  for (const issue of parsed.error.issues) {
    for (const problem of describeIssue(issue, schema, given, known, tool)) {
      if (!fields.some((f) => f.path === problem.path)) fields.push(problem);
    }
  }
  const first = fields[0];
  const hint =
    first === undefined
      ? "Fix the arguments and call again; nothing was sent to Tencent Cloud."
      : first.problem === "unknown argument"
        ? `Remove ${first.path}: ${tool} takes only ${known.join(", ")}. Nothing was sent to Tencent Cloud.`
        : `${FIELD_HINTS[first.path.split(".")[0] ?? ""] ?? `Fix ${first.path} as described in fields`}. Nothing was sent to Tencent Cloud.`;
  const message = `Invalid arguments for ${tool}: ${fields.map((f) => `${f.path}: ${f.problem}`).join("; ")}`;
  throw new CloudError("ClientError.InvalidArgument", clip(message), {
    notSent: true,
    fields,
    override: { hint },
  });
}

function describeIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodObject,
  given: Record<string, unknown>,
  known: readonly string[],
  tool: string,
): FieldProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: clip([...issue.path.map(String), key].join("."), MAX_NAME),
      problem: "unknown argument",
      expected: `no such argument: ${tool} takes ${known.join(", ")}`,
    }));
  }
  const top = issue.path[0];
  const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(arguments)";
  const field = typeof top === "string" ? schema.shape[top] : undefined;
  const expected = clip(field?.description ?? "see the tool's input schema");
  if (issue.path.length === 1 && typeof top === "string" && given[top] === undefined) {
    return [{ path, problem: "required, but missing", expected }];
  }
  return [{ path, problem: clip(issueText(issue)), expected }];
}

/** The issue's own words; for a union, what each alternative wanted. */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const texts = issue.errors.flatMap((branch) => branch.map((i) => i.message));
    return [...new Set(texts)].join(", or ");
  }
  return issue.message;
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
