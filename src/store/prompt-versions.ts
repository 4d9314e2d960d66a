/**
 * Prompt versions (`prompt_versions`, migration 10): each time the studio saves a prompt, its content hash, an
 * optional label and where it was written. Runs record the hash of every prompt they ran (`options.promptHashes`),
 * so History can say which version a run used, by label when one was saved.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';

/**
 * The content hash of a prompt: sha256 of its template, or of its chat messages as JSON. What a run records per
 * prompt and what a saved version is keyed by, so the two meet without the store knowing the suite.
 */
export function promptHash(prompt: { template?: string; messages?: unknown }): string {
  const text = prompt.template ?? JSON.stringify(prompt.messages ?? null);
  return createHash('sha256').update(text).digest('hex');
}

/** One saved version of a suite's prompt. */
export interface PromptVersion {
  /** Absolute path of the suite. */
  suitePath: string;
  promptId: string;
  /** {@link promptHash} of the saved prompt. */
  hash: string;
  label?: string;
  /** Absolute path of the file written. */
  file: string;
  createdAt: number;
}

interface Row {
  suite_path: string;
  prompt_id: string;
  hash: string;
  label: string | null;
  file: string;
  created_at: number;
}

function fromRow(row: Row): PromptVersion {
  return {
    suitePath: row.suite_path,
    promptId: row.prompt_id,
    hash: row.hash,
    ...(row.label === null ? {} : { label: row.label }),
    file: row.file,
    createdAt: row.created_at,
  };
}

export function createPromptVersionStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO prompt_versions (suite_path, prompt_id, hash, label, file, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const bySuite = db.prepare('SELECT * FROM prompt_versions WHERE suite_path = ? ORDER BY created_at, rowid');
  return {
    add(version: Omit<PromptVersion, 'createdAt'> & { createdAt?: number }): PromptVersion {
      const saved = { ...version, createdAt: version.createdAt ?? Date.now() };
      insert.run(saved.suitePath, saved.promptId, saved.hash, saved.label ?? null, saved.file, saved.createdAt);
      return saved;
    },
    /** Every saved version of the suite's prompts, oldest first. */
    list(suitePath: string): PromptVersion[] {
      return (bySuite.all(suitePath) as Row[]).map(fromRow);
    },
  };
}

export type PromptVersionStore = ReturnType<typeof createPromptVersionStore>;
