import { enUS } from "./en-US.js";
import type { Messages } from "./messages.js";
import { zhCN } from "./zh-CN.js";

export type { Messages } from "./messages.js";

/** The languages of TENCENTCLOUD_LANGUAGE, as tccli's --language and the API's X-TC-Language name them. */
export const LANGUAGES = ["en-US", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGS: Readonly<Record<Language, Messages>> = { "en-US": enUS, "zh-CN": zhCN };

/** The texts in a language. */
export function messages(language: Language): Messages {
  return CATALOGS[language];
}
