// The `drill` command's own flags (src/transports/drill-cli.ts runs it); kept apart so the entry reads them cheaply.

export interface DrillArgs {
  drill: boolean;
  instance?: string;
  backup?: string;
  pointInTime?: string;
  yes: boolean;
  json: boolean;
  /** What is left for the configuration (--region, …). */
  rest: string[];
}

const VALUED = { "--instance": "instance", "--backup": "backup", "--point-in-time": "pointInTime" } as const;

/** The drill command's own flags; the rest goes to the configuration. Throws on a flag without its value. */
export function drillArgs(argv: readonly string[]): DrillArgs {
  const out: DrillArgs = { drill: argv[0] === "drill", yes: false, json: false, rest: [] };
  if (!out.drill) return { ...out, rest: [...argv] };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag in VALUED) {
      const value = inline ?? argv[++i];
      if (!value || value.startsWith("--")) throw new Error(`${flag} needs a value`);
      out[VALUED[flag as keyof typeof VALUED]] = value;
    } else if (a === "--yes") out.yes = true;
    else if (a === "--json") out.json = true;
    else out.rest.push(a);
  }
  if (!out.instance) throw new Error("drill needs --instance <instanceId>");
  if (out.backup && out.pointInTime) throw new Error("give at most one of --backup and --point-in-time");
  return out;
}

