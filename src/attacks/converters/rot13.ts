/**
 * ROT13 is its own inverse, so the converter and the leak detector's decoder are one function; it lives with
 * the detector (detectors/disguises.ts), which may not import attacks/.
 */
export { rot13 } from '../../detectors/disguises.js';
