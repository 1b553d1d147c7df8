import type { ApprovalTexts } from "./approval.js";

/**
 * Every text this server shows to a person without a model in between (the confirmation form, the plan's
 * warning, the demo), one catalog per language. Each catalog is typed by this interface, so a key missing in
 * one language fails the typecheck. Tool names, argument names, error codes and tool descriptions stay English.
 */
export interface Messages {
  /** An age in words, like "3 h 12 min". */
  duration(p: { days: number; hours: number; minutes: number }): string;
  /** A backup type word of the API's views (manual, automatic, before_config_change, other). */
  backupType(type: string): string;
  /** A task status word of check_task (preparing, running, succeed, failed, error, checking). */
  taskStatus(status: string): string;
  /** check_task's progress notification while it waits. */
  progress(p: { taskId: number; status: string; seconds: number; waitSeconds: number }): string;
  /** A plan for a restore already sent within the dedup window says so first. */
  restoreAgain(p: { sentAt: string; taskId?: number; clone?: string }): string;
  /**
   * The plan's warning: what the restore replaces, what is lost, and how to undo it (the undo backup), or that
   * it cannot be undone and how to make an undo point first.
   */
  planWarning(p: {
    label: string;
    backupId: string;
    startTime: string;
    age: string;
    undo?: { backupId: string; age: string };
  }): string;
  /** The elicitation form that asks a human to confirm a restore. */
  form: {
    question(p: { label: string; instanceId: string; region: string }): string;
    backup(p: { backupId: string; type: string; startTime: string; age: string }): string;
    confirmTitle(p: { instanceId: string; backupId: string }): string;
    confirmDescription(p: { startTime: string }): string;
  };
  /** The approval by a second person (docs/approval.md): the webhook's message, the page, the command line. */
  approval: ApprovalTexts;
  /** `tencentcloud-redis-mcp doctor`'s report (its table; the JSON form stays in English words). */
  doctor: DoctorTexts;
  /** npm run demo's narration. */
  demo: {
    title: string;
    server(p: { name: string; version: string }): string;
    stepFind: string;
    stepWrite(p: { host: string; port: number; key: string }): string;
    stepBackup: string;
    stepUndo: string;
    backupSubmitted(p: { taskId: number; remark: string }): string;
    newBackup(p: { backupId: string; startTime: string }): string;
    restorable: string;
    snapshot: string;
    howToUndo(p: { instanceId: string; backupId: string; startTime: string }): string;
    stepList: string;
    stepCorrupt: string;
    stepPlan: string;
    stepConfirm: string;
    stepFollow: string;
    stepRead: string;
    found(p: { name: string; instanceId: string; host: string; port: number }): string;
    noRedis(p: { instanceId: string }): string;
    restoring(p: { backupId: string }): string;
    plan(p: { warning: string; expiresAt: string }): string;
    noConfirmation: string;
    submitted(p: { taskId: number; source: string }): string;
    taskStatus(p: { taskId: number; status: string }): string;
    progress(p: { progress: number; total?: number; message?: string }): string;
    failedCall(p: { what: string; text: string }): string;
    restored: string;
    notRestored: string;
    failed(p: { message: string }): string;
  };
  /** The restore method, the clone route and switch_address (plans, forms, progress). */
  clone: CloneTexts;
}

export interface CloneTexts {
  /** Which method a restore uses, and why (the edition's own method, or the setting that forced it). */
  method(p: {
    method: "in_place" | "clone";
    edition: string;
    forced: boolean;
    tableMethod: "in_place" | "clone";
  }): string;
  /** The clone route's plan warning: nothing changes for the original until switch_address; the clone bills. */
  warning(p: { label: string; name: string; backupId: string; startTime: string; price: string }): string;
  /** A quoted price in units of the currency, for one hour (pay-as-you-go) or one month (prepaid). */
  price(p: { shown: string; currency: string; per: "hour" | "month" }): string;
  priceUnknown: string;
  confirmTitle(p: { name: string }): string;
  confirmDescription: string;
  /** check_task following a clone. */
  progress(p: { instanceId: string; status: string; seconds: number; waitSeconds: number }): string;
  /** switch_address's plan warning. */
  switchWarning(p: { from: string; to: string; address: string }): string;
  /** Which of the pair is the original and which the clone, and whether the switch restores or undoes. */
  switchRoles(p: { original: string; clone: string; direction: "restore" | "undo" }): string;
  switchQuestion(p: { from: string; to: string; address: string; region: string }): string;
  switchConfirmTitle(p: { from: string; to: string }): string;
  switchConfirmDescription: string;
  /** npm run demo's second part: a Redis 6.2 instance restored by clone and address switch. */
  demo: {
    title(p: { name: string; instanceId: string; edition: string }): string;
    stepWrite(p: { host: string; port: number; key: string }): string;
    stepCorrupt: string;
    stepPlan: string;
    plan(p: { methodReason: string; name: string; price: string; warning: string }): string;
    cloning(p: { cloneId: string; dealName: string }): string;
    stepFollow: string;
    cloneStatus(p: { cloneId: string; status: string; address: string }): string;
    stepBefore: string;
    stepSwitch: string;
    switchPlan(p: { warning: string }): string;
    switched(p: { to: string; address: string; from: string; fromAddress: string }): string;
    stepAfter: string;
    stepUndo: string;
    restored: string;
    undone: string;
    notRestored: string;
    /** The instance moved off the address still bills; how to delete it. */
    billing(p: { instanceId: string; region: string }): string;
  };
}

export interface DoctorTexts {
  title: string;
  sections: { credentials: string; endpoint: string; actions: string; settings: string; notes: string };
  labels: {
    source: string;
    secretId: string;
    temporary: string;
    expires: string;
    base: string;
    authenticates: string;
    endpoint: string;
    connectedTo: string;
    region: string;
    latency: string;
    clockSkew: string;
    tools: string;
    confirmMode: string;
    readOnly: string;
    allowlist: string;
    auditLog: string;
    sharedState: string;
    needed: string;
  };
  /** A credential source by its kind (environment, profile, tke-oidc, cvm-role, assumed-role); `text` is the English. */
  source(p: { kind?: string; text: string; path?: string; roleArn?: string; sessionName?: string }): string;
  yes: string;
  no: string;
  none: string;
  unknown: string;
  anyInstance: string;
  notConfigured: string;
  noSource: string;
  writable(path: string): string;
  notWritable(path: string, reason: string): string;
  latencyMs(ms: number): string;
  skew(seconds: number): string;
  skewWarning(seconds: number): string;
  expiresAt(iso: string, inSeconds: number): string;
  verdict: { allowed: string; denied: string; unknown: string };
  notNeeded: string;
  probeNote: string;
  scopedNote: string;
  ok: string;
  notOk: string;
  missingStatements: string;
  unreached(code: string, message: string): string;
  notAuthenticated(code: string, message: string): string;
  noCredentials(code: string, message: string): string;
  auditUnwritable: string;
  /** The shared state's Redis (its address without credentials) answers, or not; or no Redis is configured. */
  stateReachable(store: string): string;
  stateUnreachable(store: string): string;
  memoryState: string;
  /** The approval settings' row (docs/approval.md). */
  approval: ApprovalTexts["doctor"];
}
