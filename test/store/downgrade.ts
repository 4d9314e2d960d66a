/** SQL that takes a current database back to schema version 9: what migration 10 (`llmlab view`) added. */
export const DROP_VIEW_TABLES = 'DROP TABLE run_summaries; DROP TABLE prompt_versions;';

/** SQL that takes a current database back to schema version 10: what migration 11 (generated media) added. */
export const DROP_GENERATED_MEDIA = 'ALTER TABLE responses DROP COLUMN media; ALTER TABLE results DROP COLUMN media;';
