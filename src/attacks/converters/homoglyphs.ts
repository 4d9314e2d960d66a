/**
 * Latin letters replaced by Cyrillic/Greek look-alikes. The table lives with the leak detector, which maps the
 * look-alikes back (detectors/disguises.ts).
 */
import { HOMOGLYPHS } from '../../detectors/disguises.js';

export { fromHomoglyphs } from '../../detectors/disguises.js';

/** Replaces every Latin letter that has a look-alike; letters without one are kept. */
export function toHomoglyphs(text: string): string {
  return text.replace(/[A-Za-z]/g, (ch) => HOMOGLYPHS[ch] ?? ch);
}
