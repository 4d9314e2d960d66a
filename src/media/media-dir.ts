/** Where a project's media store lives: beside its database, so one `.llmlab/` folder holds a project's state. */
import { dirname, join, resolve } from 'node:path';

/**
 * `<folder of the database>/media` (`.llmlab/media` by default). An in-memory database has no folder, so its
 * media go to `.llmlab/media` in the current directory, as fine-tune outputs do (engine/finetune-train.ts).
 */
export function mediaDirFor(dbPath: string): string {
  return dbPath === ':memory:' ? resolve('.llmlab', 'media') : join(dirname(resolve(dbPath)), 'media');
}
