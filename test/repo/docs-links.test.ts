// Every relative link in README.md, CONTRIBUTING.md and docs/ points at a file that exists and, with a #fragment,
// at a heading of that file (GitHub's anchors). Links to other sites are not fetched.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Pages being written on other branches (CONTRIBUTING.md), linked from the topic map before they land. When one lands,
 * this test fails until it is removed from here: the list only ever holds pages that do not exist yet.
 */
const PENDING: string[] = [];

function markdownFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
  );
}

const FILES = ["README.md", "CONTRIBUTING.md", ...markdownFiles("docs")];

const withoutFences = (text: string) => text.replace(/^(```|~~~)[\s\S]*?^\1/gm, "");

/** The text outside code blocks and inline code: what GitHub renders as links. */
const prose = (text: string) => withoutFences(text).replace(/`[^`\n]*`/g, "");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a page's headings (a repeated heading gets -1, -2, ... as on GitHub). */
function anchorsOf(path: string): Set<string> {
  const headings = withoutFences(readFileSync(join(ROOT, path), "utf8")).match(/^#{1,6} .+$/gm) ?? [];
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings) {
    const base = anchor(h.replace(/^#+ /, "").replace(/`/g, ""));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  from: string;
  target: string;
}

function relativeLinks(): Link[] {
  return FILES.flatMap((from) =>
    [...prose(readFileSync(join(ROOT, from), "utf8")).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((m) => m[1] ?? "")
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ from, target })),
  );
}

describe("the links of the docs", () => {
  const links = relativeLinks();

  it("are found in the README, CONTRIBUTING and every page of docs/ (the topic map links every page)", () => {
    expect(FILES).toContain("docs/README.md");
    expect(links.length).toBeGreaterThan(50);
    const map = links.filter((l) => l.from === "docs/README.md").map((l) => join("docs", l.target.split("#")[0] ?? ""));
    for (const page of FILES.filter((f) => f.startsWith("docs/") && f !== "docs/README.md")) {
      expect(map, `docs/README.md links ${page}`).toContain(page);
    }
  });

  it("point at files that exist, and at headings that exist", () => {
    const broken: string[] = [];
    for (const { from, target } of links) {
      const [path = "", fragment] = target.split("#");
      const file = path === "" ? from : relative(ROOT, join(ROOT, dirname(from), decodeURIComponent(path)));
      if (PENDING.includes(file)) continue;
      if (!existsSync(join(ROOT, file))) {
        broken.push(`${from}: ${target} (no such file)`);
        continue;
      }
      if (fragment && statSync(join(ROOT, file)).isFile() && file.endsWith(".md") && !anchorsOf(file).has(fragment)) {
        broken.push(`${from}: ${target} (no such heading in ${file})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("list as pending only pages that do not exist yet (remove a page from PENDING when it lands)", () => {
    for (const page of PENDING) expect(existsSync(join(ROOT, page)), `${page} exists: remove it from PENDING`).toBe(false);
    const linked = new Set(links.map((l) => relative(ROOT, join(ROOT, dirname(l.from), l.target.split("#")[0] ?? ""))));
    for (const page of PENDING) expect(linked, `${page} is linked from the topic map`).toContain(page);
  });
});
