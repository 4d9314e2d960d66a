/**
 * Whether a run's env allows colour. Its own module, apart from paint.tsx: the reporter decides before it knows
 * whether a TUI will be drawn, and a plain run must not load Ink and React (about a second of CPU per process).
 * NO_COLOR with any value turns colour off, even empty (no-color.org reads "present and not empty"; an exported
 * empty NO_COLOR is still someone asking for no colour).
 */
export function colourAllowed(env: Readonly<Record<string, string | undefined>>): boolean {
  return env['NO_COLOR'] === undefined;
}
