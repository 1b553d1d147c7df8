// The fields of a change's answer that reports its request already sent (the answer lost, the server stopped, or a
// repeat): found, not sent again. Each tool's output schema spreads them (restore-output.ts, backup.ts).
import { z } from "zod";

/** `recovered` says what was found, `sent` names the request in "when … was sent", `operation` the change. */
export function recoveredOutput(text: { recovered: string; sent: string; operation: string }) {
  return {
    recovered: z.boolean().optional().describe(text.recovered),
    sentAt: z.string().optional().describe(`When recovered: when ${text.sent} was sent`),
    operationId: z.string().optional().describe(`The ${text.operation}'s operation in the audit log`),
  };
}
