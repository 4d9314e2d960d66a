/**
 * `model-graded-factuality`: promptfoo's name for `factuality`. The same plugin under a second id (its value,
 * prompt, scores and verdict are factuality's), so a promptfoo suite runs as written and the two cannot drift.
 */
import factuality from './factuality.js';

export default { ...factuality, id: 'model-graded-factuality' };
