import { z } from "zod";
import type { ApiInstance } from "../cloud/api.js";
import { type RestoreMethodSetting, restoreMethodOf } from "../cloud/editions.js";
import { beijingToIso, instanceStatusWord } from "../cloud/views.js";
import { defineTool, regionSchema, resolveRegion, withError } from "./shared.js";

const instanceSchema = z.object({
  instanceId: z.string().describe("Pass this to list_backups and restore_instance"),
  name: z.string(),
  status: z.string().describe("running, task_in_progress, initializing, isolated, pending_deletion or unknown"),
  statusCode: z.number().int().describe("The API's Status: 2 running, 1 task in progress, 0 initializing, -2 isolated, -3 pending deletion"),
  noAuth: z.boolean().describe("Password-free: a restore needs no password"),
  type: z.number().int().optional().describe("The API's instance Type code"),
  restoreMethod: z
    .enum(["in_place", "clone", "refused"])
    .describe(
      "How restore_instance restores it: in_place, clone (then switch_address), or refused (Memcached, unknown type)",
    ),
  engine: z.string().optional(),
  sizeMb: z.number().optional(),
  host: z.string().optional().describe("Address to connect to (WanIp)"),
  port: z.number().int().optional(),
  createdAt: z.string().optional(),
});

const output = z.object({
  region: z.string(),
  totalCount: z.number().int().describe("Instances matching, across all pages"),
  instances: z.array(instanceSchema),
  nextOffset: z.number().int().optional().describe("Pass as offset to get the next page; absent on the last page"),
  sandbox: z.string().optional().describe("Only in sandbox mode: what the sandbox's instances are and how to reach them"),
});

export const listInstances = defineTool({
  name: "list_instances",
  title: "List Redis instances",
  description:
    "Lists the Tencent Cloud Redis instances in a region, with their IDs, names, status and whether they need a " +
    "password. Use it to find the instanceId for list_backups and restore_instance. Read-only.",
  inputSchema: z.strictObject({
    region: regionSchema,
    search: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
      .optional()
      .describe("Fragment of an instance name or ID to filter by"),
    limit: z.number().int().min(1).max(100).default(20).describe("Instances per page, 1-100 (default 20)"),
    offset: z.number().int().min(0).max(1_000_000).default(0).describe("Instances to skip, for paging (default 0)"),
  }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  actions: ["DescribeInstances"],
  async handler(args, ctx, extra) {
    const region = resolveRegion(args.region, ctx.config);
    const res = await ctx.api.describeInstances(
      { SearchKey: args.search, Limit: args.limit, Offset: args.offset },
      { region, signal: extra.signal },
    );
    const instances = (res.InstanceSet ?? []).map((i) => toInstance(i, ctx.config.restoreMethod));
    const structured: z.infer<typeof output> = { region, totalCount: res.TotalCount ?? instances.length, instances };
    const next = args.offset + instances.length;
    if (instances.length > 0 && next < structured.totalCount) structured.nextOffset = next;
    if (ctx.config.sandboxNote) structured.sandbox = ctx.config.sandboxNote;
    const lines = instances.map(
      (i) =>
        `${i.instanceId} ${i.name} (${i.status}${i.noAuth ? ", password-free" : ""})${
          ctx.config.sandboxNote && i.host && i.port ? ` at ${i.host}:${i.port}` : ""
        }; restore: ${i.restoreMethod}`,
    );
    const text = `${structured.totalCount} instance(s) in ${region}${lines.length ? `:\n${lines.join("\n")}` : "."}${
      structured.nextOffset !== undefined ? `\nMore: call again with offset ${structured.nextOffset}.` : ""
    }${structured.sandbox ? `\nNote: ${structured.sandbox}.` : ""}`;
    return { structured, text };
  },
});

function toInstance(i: ApiInstance, setting: RestoreMethodSetting): z.infer<typeof instanceSchema> {
  return {
    instanceId: i.InstanceId,
    name: i.InstanceName ?? "",
    status: instanceStatusWord(i.Status),
    statusCode: i.Status,
    noAuth: i.NoAuth === true,
    type: i.Type,
    restoreMethod: restoreMethodOf(i.Type, setting),
    engine: i.Engine,
    sizeMb: i.Size,
    host: i.WanIp || undefined,
    port: i.Port,
    createdAt: i.Createtime ? beijingToIso(i.Createtime) : undefined,
  };
}
