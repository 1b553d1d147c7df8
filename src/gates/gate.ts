import type { Metrics } from "../base/metrics.js";
import type { ApprovalStep, ApprovalStepInput } from "../approval/step.js";
import type { Config } from "../config/index.js";
import type { AuditLog, AuditRecord } from "../records/audit.js";
import type { Operation, OperationKind } from "../records/journal.js";
import type { Binding } from "../records/store/memory-tokens.js";
import type { HeldLock, LockStore, SafetyState, TokenStore } from "../records/store/types.js";

/** What a tool answers: its structured content (of the tool's output schema, when the change names it) and its text. */
export interface Answer<S extends object = Record<string, unknown>> {
  structured: S;
  text: string;
}

/** A change sent earlier within the dedup window: the same call again is its repeat (answered, never resent). */
export interface Earlier {
  operationId: string;
}

/**
 * What one change (an operation, for one call) declares to the gates: which instances it touches, what it
 * needs (approval, confirmation, locks), and its own steps the gates call at their place in the order. A field
 * left out is a gate the change does not go through (a backup has no approval, confirmation or lock).
 */
export interface Change<Pre = unknown, E extends Earlier = Earlier, S extends object = Record<string, unknown>> {
  /** The read-only refusal names it: "restore", "switch addresses", "back up". */
  verb: string;
  /** The instances it changes: each must be allowed; each is settled (the last first) and, with `lock`, locked. */
  instances: readonly [string, ...string[]];
  /** The region the call asked for (else the server's). */
  askedRegion: string | undefined;
  /** Checks of the arguments beyond their schema, after the allowlist. */
  checkArgs?(): void;
  /** What the audit log's writability check names (assertWritable). */
  audit: "restore" | "switch" | "backup" | "drill";
  /** Puts back what a stopped server left half done on the instances (after they are settled). */
  resume?(run: Run<Pre, E>): Promise<void>;
  /**
   * How the journal tells this change sent before (the gates read it): the kinds of operation it journals, the same
   * change within the dedup window (`same`; none: it is not known before its preflight), and what a repeat's answer
   * says of one (`view`; undefined: it cannot be answered as a repeat). A used approval repeated by its requester is
   * answered with the change of these kinds it started.
   */
  sentBefore?: {
    kinds: readonly OperationKind[];
    same?(intent: AuditRecord): boolean;
    view(op: Operation): E | undefined;
  };
  /** The answer to a repeat of the change sent before: nothing is sent. */
  repeated?(run: Run<Pre, E>, earlier: E): Answer<S> | Promise<Answer<S>>;
  /** A second person's approval, when the configuration asks for one: what it is bound to and its plan. */
  approval?(run: Run<Pre, E>): Omit<ApprovalStepInput<Pre, S>, "acknowledges">;
  /** A confirmation (token or form), when the configuration asks for one. */
  confirm?: {
    /** What the token is bound to (besides the earlier change it acknowledges). */
    binding(run: Run<Pre, E>): Binding;
    /** The token the call presents (undefined: the first call, which gets the plan). */
    token: string | undefined;
    /** The plan of a first call, with its token: nothing is sent. */
    plan(run: Run<Pre, E>, pre: Pre, token: string, expiresAt: number): Answer<S> | Promise<Answer<S>>;
    /** The form a human ticks (TENCENTCLOUD_REDIS_CONFIRM=elicit), asked under the locks. */
    form(run: Run<Pre, E>, pre: Pre): Promise<void>;
  };
  /** The per-instance locks: counted in the metrics or not, and what the holder's details name. */
  lock?: { counted: boolean; label: string };
  /** The preflight: the instance, backup or pair as it stands (`final`: under the locks, right before sending). */
  check(run: Run<Pre, E>, final: boolean): Promise<Pre>;
  /** The intent journaled right before sending (none: the change journals each of its steps itself). */
  intent?(run: Run<Pre, E>): { kind: OperationKind; only?: Partial<AuditRecord> };
  /** Sends it, once, and answers. */
  send(run: Run<Pre, E>): Promise<Answer<S>>;
}

/** One call going through the gates: the change, what the server holds, and what the gates found so far. */
export interface Run<Pre = unknown, E extends Earlier = Earlier> {
  change: Change<Pre, E>;
  config: Config;
  metrics: Metrics;
  record: AuditRecord;
  tokens: TokenStore;
  locks: LockStore;
  audit: AuditLog;
  state: SafetyState;
  /** Settles the operations in doubt on an instance (the reconciler, with the call's API view). */
  settle(where: { region: string; instanceId: string }): Promise<Operation[]>;
  /** Waits for (or asks) the approval of a second person (the approval step, with the call's parts). */
  approve(input: ApprovalStepInput<Pre>): Promise<ApprovalStep<Pre>>;
  /** Journals the intent (audit log fsynced, shared ledger), then counts the request as sent. */
  journal(kind: OperationKind, only?: Partial<AuditRecord>): Promise<void>;
  /**
   * The journal's sent operations of `kind` on an instance that match: the newest within the dedup window
   * (`window: "dedup"`), or all of the last day (`"day"`).
   */
  sent(
    kind: OperationKind,
    where: { region: string; instanceId: string },
    same: (intent: AuditRecord) => boolean,
    window: "dedup" | "day",
  ): Promise<Operation[]>;
  /** The region the call goes to (the argument, else the server's). */
  region: string;
  /** The operations on the first instance settled since a server stopped (what was in flight). */
  settled: Operation[];
  earlier?: E;
  /** The used approval whose change `earlier` is (its requester repeating the call). */
  usedApproval?: string;
  /** The confirmation token this call presented, once consumed (what its plan's clone was named from). */
  confirmed?: string;
  /** The earlier change the approved or confirmed plan named: going on sends it again, deliberately. */
  acknowledged?: string;
  approval: ApprovalStep<Pre>;
  /** The latest preflight. */
  pre?: Pre;
  held: HeldLock[];
}

/** A gate: checks (or holds) something, then lets the call through to the next one, or answers it. */
export type Gate = <Pre, E extends Earlier>(run: Run<Pre, E>, next: () => Promise<Answer>) => Promise<Answer>;
