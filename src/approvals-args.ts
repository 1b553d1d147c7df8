export interface ApprovalsCommand {
  approvals: boolean;
  sub?: string;
  id?: string;
  reason?: string;
  json: boolean;
  /** The server's own flags, for loadConfig. */
  rest: string[];
}

/** `tencentcloud-redis-mcp approvals list|show ID|approve ID|deny ID [--reason text] [--json] [flags]`. */
export function approvalsArgs(argv: readonly string[]): ApprovalsCommand {
  if (argv[0] !== "approvals") return { approvals: false, json: false, rest: [...argv] };
  const words = argv.slice(1);
  const out: ApprovalsCommand = { approvals: true, json: false, rest: [] };
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "--json") out.json = true;
    else if (word === "--reason") out.reason = words[++i];
    else if (word.startsWith("--reason=")) out.reason = word.slice("--reason=".length);
    else if (word.startsWith("-")) out.rest.push(word, ...(word.includes("=") || !takesValue(word) ? [] : [words[++i] ?? ""]));
    else positional.push(word);
  }
  [out.sub, out.id] = positional;
  return out;
}

const BOOLEAN_FLAGS = new Set(["--sandbox", "--read-only", "--http", "-h", "--help", "-v", "--version"]);
function takesValue(flag: string): boolean {
  return !BOOLEAN_FLAGS.has(flag);
}
