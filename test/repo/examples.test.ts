// The sample outputs in docs/ are what a fresh run of the sandbox prints (scripts/examples.ts), normalised: a page
// whose sample differs fails here until `npm run gen:examples` is run and the result committed. The demo's samples
// (docs/demo.md, the demo part of docs/restore-methods.md) are compared by test/e2e/demo.test.ts.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { blockOf, type Examples, examples, normaliser } from "../../scripts/examples.js";
import { requireRedisServer } from "../helpers/redis.js";

const read = (page: string) => readFileSync(new URL(`../../${page}`, import.meta.url), "utf8");

describe("docs' sample outputs", () => {
  let fresh: Examples;
  beforeAll(async () => {
    requireRedisServer();
    fresh = await examples();
  }, 60_000);

  it("are what a fresh run of the sandbox prints, on every page", () => {
    const pages = Object.keys(fresh);
    expect(pages).toEqual(
      expect.arrayContaining(["docs/tools.md", "docs/restore-methods.md", "docs/sandbox.md", "docs/approval.md"]),
    );
    for (const page of pages) {
      const text = read(page);
      for (const [name, content] of Object.entries(fresh[page] ?? {})) {
        expect(blockOf(text, name), `${page}: the sample "${name}" differs from a fresh run: run npm run gen:examples`).toBe(
          content,
        );
      }
    }
  });

  it("come from a client that listed the tools first (so each answer was checked against its output schema)", () => {
    const source = readFileSync(new URL("../../scripts/examples.ts", import.meta.url), "utf8");
    expect(source.indexOf("await client.listTools()")).toBeGreaterThan(source.indexOf("client.connect("));
    expect(source.indexOf("await client.listTools()")).toBeLessThan(source.indexOf("client.callTool(", source.indexOf("client.connect(")));
  });

  it("show no value that cannot be true ([object Object], undefined, NaN)", () => {
    for (const blocks of Object.values(fresh)) {
      for (const content of Object.values(blocks)) expect(content).not.toMatch(/\[object Object\]|undefined|NaN/);
    }
  });
});

describe("the normaliser", () => {
  const start = Date.parse("2026-12-06T18:31:30.619Z");

  it("moves times by their distance from the run's start, to the minute, in their own offset", () => {
    const n = normaliser(start);
    expect(n("at 2026-12-06T18:31:35.100Z and 2026-12-07T01:31:30+08:00")).toBe(
      "at 2026-11-28T03:55:00.000Z and 2026-11-28T10:55:00+08:00",
    );
    expect(n("backup 1250000000-8362922-1796581891")).toBe("backup 1250000000-8362922-1795838100");
  });

  it("gives each clone ID, request ID and token a fixed one in order of appearance, the same value the same one", () => {
    const n = normaliser(start);
    const a = "crs-t1kitaj4 3f1e2d3c-1111-4222-8333-444455556666 ct_0Yyww4G9PIslaIJihBTOTfI_LX7DSNsg";
    expect(n(`${a} crs-zz9yy8xx crs-sbx5cat6 crs-5a4py64p ${a}`)).toBe(
      "crs-c1one001 00000000-0000-4000-8000-000000000001 ct_examplecttoken000000000000000001 crs-c1one002 crs-sbx5cat6 crs-5a4py64p " +
        "crs-c1one001 00000000-0000-4000-8000-000000000001 ct_examplecttoken000000000000000001",
    );
  });

  it("fixes the sandbox's random loopback network and rounds waited seconds", () => {
    const n = normaliser(start);
    expect(n("127.192.1.14:6379 127.0.0.1:8787 progress 4.768 - succeed, 4.8 s waited")).toBe(
      "127.90.1.14:6379 127.0.0.1:8787 progress 5 - succeed, 5 s waited",
    );
  });
});
