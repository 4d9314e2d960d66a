/**
 * `llmlab redteam <suite>`: `llmlab eval` of the suite's attacks only (the target, no ordinary tests), with the
 * same flags and exit codes; `--list` prints the attack families, their strategies and the converters.
 */
import { attackTypes, loadAttackPlugin } from '../attacks/index.js';
import { listConverters } from '../attacks/converters/index.js';
import { evalCommand } from './eval.js';
import type { CliIo } from './io.js';

export async function redteamCommand(args: string[], flags: Parameters<typeof evalCommand>[1] & { list?: boolean }, io: CliIo): Promise<number> {
  if (flags.list) return listAttacks(io);
  return evalCommand(args, { ...flags, watch: false, attacksOnly: true }, io);
}

async function listAttacks(io: CliIo): Promise<number> {
  const lines: string[] = [];
  for (const type of attackTypes) {
    const plugin = await loadAttackPlugin(type);
    lines.push(`${plugin.id} — ${plugin.title}`);
    lines.push(`  strategies: ${plugin.strategies.map((s) => (s.endsWith(':') ? `${s}<${s === 'translate:' ? 'language' : 'converter'}>` : s)).join(', ')}`);
    lines.push(`  default:    ${plugin.defaultStrategies.join(', ')}`);
    lines.push('');
  }
  lines.push('converters (`converters:` on any entry; a list is a stack):');
  const rows = [
    ...listConverters().map((c) => [c.id, c.description]),
    ['translate:<language>', 'the attacker model translates the message when it is sent (needs `attacker:`; last in a stack)'],
    ['rephrase', 'the attacker model rewords the message when it is sent (needs `attacker:`; last in a stack)'],
  ];
  const width = Math.max(...rows.map(([id]) => id!.length));
  for (const [id, description] of rows) lines.push(`  ${id!.padEnd(width)}  ${description}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
