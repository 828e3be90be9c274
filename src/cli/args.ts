/** `--name value` pairs from argv; a flag without a value is an error said plainly. */
export function parseArgs(argv: string[]): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--')) flags[a.slice(2)] = 'true';
        else {
          flags[a.slice(2)] = v;
          i++;
        }
      }
    } else positional.push(a);
  }
  return { flags, positional };
}

export function fail(message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(2);
}
