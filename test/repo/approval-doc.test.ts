// docs/approval.md stays true to the code: the page's CSP, the codes, the settings, the screenshot, the sections.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/cloud/catalog.js";
import { PAGE_CSP } from "../../src/approval/page.js";
import { enUS } from "../../src/i18n/en-US.js";

const doc = readFileSync(new URL("../../docs/approval.md", import.meta.url), "utf8");

describe("docs/approval.md", () => {
  it("has the sections the issue asks for, the threat model included", () => {
    for (const heading of ["## The mode and the policy", "## Who can approve, and how", "## The page", "## The command line"]) {
      expect(doc).toContain(heading);
    }
    expect(doc).toContain("## Telling the approvers: the webhook");
    expect(doc).toMatch(/## Threat model[\s\S]*What an approval \*\*proves\*\*[\s\S]*What it does \*\*not\*\* prove/);
  });

  it("shows the page's screenshot, a PNG that exists", () => {
    expect(doc).toContain("![The approval page](images/approval-page.png)");
    const png = readFileSync(new URL("../../docs/images/approval-page.png", import.meta.url));
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  });

  it("quotes the page's Content-Security-Policy as the server sends it", () => {
    expect(doc).toContain(PAGE_CSP);
  });

  it("lists the approval codes with their category and retryable flag, and the command line's usage", () => {
    for (const code of ["ClientError.ApprovalPending", "ClientError.ApprovalDenied", "ClientError.ApprovalInvalid"] as const) {
      const { category, retryable } = CATALOG[code];
      expect(doc).toContain(`| \`${code}\` | ${category} | ${retryable ? "yes" : "no"} |`);
    }
    for (const sub of ["list [--json]", "show ID [--json]", "approve ID [--reason text]", "deny ID --reason text"]) {
      expect(enUS.approval.cli.usage).toContain(sub);
      expect(doc).toContain(`tencentcloud-redis-mcp approvals ${sub}`);
    }
  });
});
