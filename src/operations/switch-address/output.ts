// switch_address's answer: its success shape (the tool lists it with the error shape, src/tools/switch-address.ts),
// the type every answer of the switch change is checked against at compile time.
import { z } from "zod";
import { type AdmittingApproval, approvalOutput } from "../../approval/step.js";
import { TIME_FORMAT } from "../../cloud/views.js";
import { inFlightSchema } from "../context.js";
import { recoveredOutput } from "../recovered.js";

const address = z.object({ instanceId: z.string(), host: z.string().optional(), port: z.number().int().optional() });

export const switchOutput = z.object({
  status: z
    .enum(["switched", "confirmation_required", "approval_required"])
    .describe(
      "switched: toInstanceId has the address now. confirmation_required: nothing was sent; show the plan, then " +
        "confirm. approval_required: nothing was sent; a second person must approve, then call again with approvalId",
    ),
  instanceId: z.string(),
  toInstanceId: z.string(),
  region: z.string(),
  original: z.string().describe("The original instance (the clone's tag names it)"),
  clone: z.string().describe("The clone made by restore_instance"),
  direction: z
    .enum(["restore", "undo"])
    .describe("restore: the original's address goes to the clone. undo: it goes back to the original"),
  address: z.object({ host: z.string(), port: z.number().int() }).describe("The address moved (VIP and port)"),
  addresses: z.array(address).describe("Where each instance's address is now"),
  resumed: z.boolean().optional().describe("True when an interrupted switch of this pair was resumed"),
  resumeStep: z.enum(["off", "on"]).optional().describe("Plan of a resume: the step it resumes from"),
  inFlight: inFlightSchema,
  taskIds: z.array(z.number().int()).optional().describe("The ModifyNetworkConfig tasks of the switch"),
  ...recoveredOutput({
    recovered: "True: a used approval repeated: the switch it made is reported, nothing was sent again",
    sent: "its last step",
    operation: "switch's last step",
  }),
  note: z.string().optional().describe("When recovered: what was found, and how to switch again"),
  undo: z.string().optional().describe("The call that switches back (undoes it)"),
  billing: z.string().optional().describe("The original still bills; how to delete an instance no longer needed"),
  warning: z.string().optional().describe("Show it to the user before confirming"),
  confirmToken: z.string().optional().describe("When confirmation_required: pass it back, with the same arguments"),
  expiresAt: z.string().optional().describe(TIME_FORMAT),
  ...approvalOutput,
});

/** An answer of switch_address (its success shape, admitting the approval step's fields). */
export type SwitchAnswer = AdmittingApproval<z.input<typeof switchOutput>>;
