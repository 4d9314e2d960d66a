/** Small readers and writers of API bodies that every adapter needs the same way. */

/** A copy without undefined and null values: an unset option is left out of the request body, not sent as null. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** A count from a response body, or 0 when the API left it out or sent something that is not a finite number. */
export function numberOr(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
