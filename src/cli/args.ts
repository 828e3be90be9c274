import { parseArgs as parseArgv } from 'node:util';

/**
 * A command's arguments, by node:util's parseArgs in strict mode: every option is
 * declared and takes a value (`--name value` or `--name=value`); at most
 * `positionals` arguments stand alone. An unknown option, an option without its
 * value, or an argument too many ends the command with one line on stderr (and
 * the usage) and exit code 2.
 */
export function parseArgs<const K extends string = never>(
  argv: readonly string[],
  spec: { usage: string; options?: readonly K[]; positionals?: number },
): { flags: { [key in K]?: string }; positional: string[] } {
  const options = Object.fromEntries((spec.options ?? []).map((name) => [name, { type: 'string' as const }]));
  const allowed = spec.positionals ?? 0;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgv({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    fail(`${argumentError(err)}. ${spec.usage}`);
  }
  const extra = parsed.positionals[allowed];
  if (extra !== undefined) fail(`Unexpected argument '${extra}'. ${spec.usage}`);
  return { flags: parsed.values as { [key in K]?: string }, positional: parsed.positionals };
}

/** node:util's parse error said on one line (its own message can span three). */
function argumentError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `Unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const name = option.split(' ')[0]!;
    return `Option ${name} needs a value (write ${name}=VALUE for one that starts with "-")`;
  }
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return message.split('\n')[0]!.replace(/\.$/, '');
  throw err;
}

export function fail(message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(2);
}
