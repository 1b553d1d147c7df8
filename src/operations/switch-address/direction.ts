// Which of a switch's pair is the original and which the clone (the clone's tag names its source), and which way
// the call moves the address: to the clone (the restore) or back to the original (the undo). Before any switch of
// the pair the undo's shape is refused: it would move the original off the address its clients use, for nothing.
import type { ApiInstance } from "../../cloud/api.js";
import { CloudError } from "../../cloud/errors.js";
import type { Journal } from "../../records/journal.js";
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

/**
 * Whether the journal's last switch of the pair that gave an instance the address (its step "on", sent) gave it
 * to the clone: the address is the clone's, and switching back is the undo.
 */
export async function addressWithClone(journal: Journal, region: string, roles: Roles): Promise<boolean> {
  const ops = await journal.operationsOf("switch", { region, instanceId: roles.clone });
  const given = ops.filter(
    (op) =>
      op.intent.switchStep === "on" &&
      SENT.has(op.outcome?.outcome ?? "") &&
      [op.intent.instanceId, op.intent.toInstanceId].sort().join() === [roles.original, roles.clone].sort().join(),
  );
  return given.at(-1)?.intent.toInstanceId === roles.clone;
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
