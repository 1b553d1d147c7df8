// Which of a switch's pair is the original and which the clone (the clone's tag names its source), and which way
// the call moves the address: to the clone (the restore) or back to the original (the undo). Before any switch of
// the pair the undo's shape is refused: it would move the original off the address its clients use, for nothing.
import type { ApiInstance } from "../../cloud/api.js";
import { CloudError } from "../../cloud/errors.js";
import type { Journal } from "../../records/journal.js";
import type { RecordStore } from "../../records/store/types.js";
import { cloneSourceOf } from "../restore-clone/facts.js";

export type Direction = "restore" | "undo";

/** The pair's roles and the call's direction (restore: the original's address goes to the clone). */
export interface Roles {
  original: string;
  clone: string;
  direction: Direction;
}

/** The roles of `from` (instanceId) and `to` (toInstanceId), or undefined when neither is a clone of the other. */
export function rolesOf(from: ApiInstance, to: ApiInstance): Roles | undefined {
  if (cloneSourceOf(to) === from.InstanceId) return { original: from.InstanceId, clone: to.InstanceId, direction: "restore" };
  if (cloneSourceOf(from) === to.InstanceId) return { original: to.InstanceId, clone: from.InstanceId, direction: "undo" };
  return undefined;
}

const SENT = new Set(["submitted", "recovered"]);
/** How long the last finished switch of a pair is remembered in the safety state. */
const LAST_SWITCH_MS = 90 * 24 * 3600_000;

/** The key of the last finished switch of a pair, whichever way it went. */
const lastSwitchKey = (region: string, a: string, b: string) => `switched:${region}:${[a, b].sort().join(":")}`;

/** Remembers which instance the last finished switch of the pair gave the address (shared by replicas in Redis). */
export async function noteSwitched(records: RecordStore, region: string, from: string, to: string): Promise<void> {
  await records.put(lastSwitchKey(region, from, to), { to, at: Date.now() }, LAST_SWITCH_MS);
}

/**
 * Whether the last switch of the pair gave the address to the clone: the address is the clone's, and switching
 * back is the undo. From the safety state (the last finished switch), else the journal (the last step "on" sent,
 * whose intent the audit log and the shared ledger keep).
 */
export async function addressWithClone(records: RecordStore, journal: Journal, region: string, roles: Roles): Promise<boolean> {
  const last = await records.get(lastSwitchKey(region, roles.original, roles.clone));
  if (typeof last?.to === "string") return last.to === roles.clone;
  const pair = [roles.original, roles.clone].sort().join();
  const given = await journal.sentMatching(
    "switch",
    { region, instanceId: roles.clone },
    (intent) => intent.switchStep === "on" && [intent.instanceId, intent.toInstanceId].sort().join() === pair,
  );
  return given.filter((op) => SENT.has(op.outcome?.outcome ?? "")).at(-1)?.intent.toInstanceId === roles.clone;
}

/** Refuses an undo when the address was never moved to the clone (nothing sent); the hint is the right call. */
export function refuseReversed(roles: Roles): never {
  const call = `switch_address { instanceId: "${roles.original}", toInstanceId: "${roles.clone}" }`;
  throw new CloudError(
    "ClientError.SwitchReversed",
    `Refused: ${roles.clone} is a clone of ${roles.original} (its tag names it), and no switch of the two gave ` +
      `${roles.clone} the address yet: this call would move ${roles.original}, the original, off the address its ` +
      `clients use, for nothing. Nothing was sent. To put the clone's data at that address, call ${call}.`,
    {
      notSent: true,
      override: {
        hint: `The two IDs are reversed: call ${call} (instanceId the original, toInstanceId the clone). The reversed call is the undo, once a switch has given the clone the address.`,
      },
      fields: [
        { path: "instanceId", problem: `${roles.clone} is the clone`, expected: `the original, ${roles.original} (the clone's tag names it)` },
        { path: "toInstanceId", problem: `${roles.original} is the original`, expected: `the clone, ${roles.clone}` },
      ],
    },
  );
}
