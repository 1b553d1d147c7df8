// Approval by a second person (docs/approval.md): whether a change may need one, and the rule that an approver
// must have a way in.
import { type Config, ConfigError } from "./types.js";

/** Whether some change may need an approval: the approval mode, or a tag policy. */
export function approvalInUse(config: Pick<Config, "confirmMode" | "approval">): boolean {
  return config.confirmMode === "approval" || config.approval.forTags.length > 0;
}

/**
 * Approval mode refuses to start without a way for an approver to reach it: the HTTP listener (its approval
 * routes and page), or a shared state (TENCENTCLOUD_REDIS_STATE_URL) for the `approvals` command line.
 */
export function checkApprovalConfig(config: Config): void {
  if (!approvalInUse(config) || config.state) return;
  const why =
    config.confirmMode === "approval" ? "TENCENTCLOUD_REDIS_CONFIRM=approval" : "TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS";
  if (config.http.enabled && config.httpAuth.none) {
    throw new ConfigError(
      `${why} with TENCENTCLOUD_REDIS_HTTP_AUTH=none: every HTTP caller is the same anonymous caller, who never ` +
        "approves its own request. Configure bearer tokens or OAuth, or set TENCENTCLOUD_REDIS_STATE_URL for `tencentcloud-redis-mcp approvals`",
    );
  }
  if (config.http.enabled) return;
  throw new ConfigError(
    `${why} needs a way for an approver to reach the requests: serve HTTP (--http: the /approvals page and API) ` +
      "or set TENCENTCLOUD_REDIS_STATE_URL (a shared Redis, for `tencentcloud-redis-mcp approvals`)",
  );
}
