// Every setting of the server, once: its variable, its flag, the kind of its value (type and range), its default,
// whether it is a secret, its group, what it means, and whether the install forms (the bundle's user_config,
// server.json) ask for it. The entries are in settings/, one file per group; what an entry holds is setting.ts.
// loadConfig (load.ts) and --help (help.ts) read SETTINGS at run time; `npm run gen` writes the configuration table
// of docs/configuration.md, server.json's environmentVariables and the bundle's user_config from it. To add a
// setting, see docs/contributing-settings.md.
import type { ConfigPath } from "./setting.js";
import { CREDENTIALS } from "./settings/credentials.js";
import { CLOUD } from "./settings/cloud.js";
import { SAFETY } from "./settings/safety.js";
import { OUTPUT } from "./settings/output.js";
import { STATE } from "./settings/state.js";
import { HTTP } from "./settings/http.js";
import { DRILL } from "./settings/drill.js";

export { type ConfigPath, GROUPS, type Group, type Setting } from "./setting.js";

/** Every setting, in the order of the configuration table. */
export const SETTINGS = [...CREDENTIALS, ...CLOUD, ...SAFETY, ...OUTPUT, ...STATE, ...HTTP, ...DRILL] as const;

export type AnySetting = (typeof SETTINGS)[number];
/** The variables of the settings (flag-only switches have none). */
export type SettingName = NonNullable<AnySetting["env"]>;

/** The Config fields that composites of load.ts fill from several settings, or that nothing parses. */
export const COMPOSED = [
  "credentials",
  "role",
  "tkeOidc",
  "passwords",
  "proxy",
  "noProxy",
  "state",
  "approval",
  "crashPoint",
  "sandboxNote",
  "help",
  "version",
] as const satisfies readonly ConfigPath[];

// Every Config field is filled by a setting or a composite: naming here any field nothing fills.
type Unfilled = Exclude<ConfigPath, NonNullable<AnySetting["field"]> | (typeof COMPOSED)[number]>;
export const EVERY_FIELD_FILLED: [Unfilled] extends [never] ? true : { unfilled: Unfilled } = true;
