import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A value that must never be printed. `String(secret)`, `JSON.stringify(secret)` and `util.inspect(secret)`
 * all give "[redacted]"; only `reveal()` gives the value, and only the code that signs a request or sends a
 * password to the API calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
