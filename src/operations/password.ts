import { type CloudError, withOverride } from "../cloud/errors.js";
import type { Config } from "../config/index.js";

import type { PasswordSource } from "../records/audit.js";


export interface ResolvedPassword {
  /** The value to send to the API; only ever put in the RestoreInstance request. */
  value?: string;
  source: PasswordSource;
  /** Where it came from, in words, for hints: a variable name or "the password argument". Never the value. */
  origin: string;
}

/** The variable that holds an instance's own password, e.g. TENCENTCLOUD_REDIS_PASSWORD_CRS_5A4PY64P. */
export function passwordVariable(instanceId: string): string {
  return `TENCENTCLOUD_REDIS_PASSWORD_${instanceId.toUpperCase().replaceAll("-", "_")}`;
}

/** A server-side password (the instance's own, then the one for all instances) wins over the argument. */
export function resolvePassword(config: Config, instanceId: string, argument: string | undefined): ResolvedPassword {
  const own = config.passwords.byInstance.get(instanceId.toLowerCase());
  if (own) return { value: own.reveal(), source: "env", origin: `the server's ${passwordVariable(instanceId)}` };
  if (config.passwords.all) {
    return { value: config.passwords.all.reveal(), source: "env", origin: "the server's TENCENTCLOUD_REDIS_PASSWORD" };
  }
  if (argument) return { value: argument, source: "argument", origin: "the password argument" };
  return { source: "none", origin: "nowhere" };
}

/** Where an operator can put a password, for ClientError.PasswordMissing. */
export function wherePasswordsGo(config: Config, instanceId: string): string {
  const server = `set ${passwordVariable(instanceId)} (or TENCENTCLOUD_REDIS_PASSWORD for all instances) in the server's environment`;
  return config.passwordArgument
    ? `${server}, or pass the password argument (ask the user; never guess)`
    : `${server} (the password argument is disabled by TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT=false)`;
}

/** The API's PasswordError, with a hint that names where the wrong password came from. */
export function passwordErrorWithSource(error: CloudError, password: ResolvedPassword, instanceId: string): CloudError {
  const hint =
    password.source === "env"
      ? `The password came from ${password.origin} and the API rejected it: ask the operator to correct that variable and restart the server (a server-side password wins over the password argument). Do not retry until then.`
      : `The password came from the password argument and the API rejected it: ask the user for the right one (never guess), or have the operator set ${passwordVariable(instanceId)} on the server so it never passes through the conversation.`;
  return withOverride(error, { hint, retryable: false });
}
