/** SQL that takes a current database back to schema version 9: what migration 10 (`llmlab view`) added. */
export const DROP_VIEW_TABLES = 'DROP TABLE run_summaries; DROP TABLE prompt_versions;';
