// Records read back from a store (Redis, the memory store): JSON text checked for the fields a reader needs.

/**
 * A JSON record read back from the store when it is one (an object that `is` accepts, checking the fields it needs);
 * undefined when the text is absent, not JSON or not such a record.
 */
export function storedRecord<T>(text: string | null | undefined, is: (value: Partial<T>) => boolean): T | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && is(value as Partial<T>) ? (value as T) : undefined;
}
