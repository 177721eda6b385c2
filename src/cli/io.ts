/**
 * What the command-line tools share: their I/O (injected, so tests run them in-process), the
 * configuration the server would use, and the exit codes: 0 done, 1 refused or failed (one line
 * says why), 2 bad arguments or configuration.
 */
import { ConfigError, loadConfig, type Config } from '../../config/load';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** What was piped in (undefined from a terminal): how a tool takes a secret without it showing in `ps`. */
  readonly stdin?: () => Promise<string | undefined>;
}

export const EXIT = { done: 0, refused: 1, usage: 2 } as const;

/** The server's configuration, or the exit code after saying what is wrong with it. */
export function cliConfig(io: CliIo): Config | number {
  try {
    return loadConfig({ env: io.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(err.message);
      return EXIT.usage;
    }
    throw err;
  }
}

/**
 * `--flag value` pairs and bare arguments; `switches` take no value. A string is the usage
 * error to print.
 */
export function parseArgs(argv: readonly string[], flags: readonly string[], switches: readonly string[] = []): { flags: Record<string, string>; rest: string[] } | string {
  const given: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (switches.includes(arg)) given[arg.slice(2)] = 'true';
    else if (flags.includes(arg)) {
      const value = argv[++i];
      if (value === undefined) return `${arg}: needs a value`;
      given[arg.slice(2)] = value;
    } else if (arg.startsWith('--')) return `${arg}: not understood`;
    else rest.push(arg);
  }
  return { flags: given, rest };
}

/** Runs a tool as the process entry: real I/O, its exit code, one line for anything unforeseen. */
export function runAsMain(tool: string, main: (io: CliIo) => Promise<number>): void {
  void main({
    env: process.env,
    argv: process.argv.slice(2),
    // npm runs scripts in the project folder; INIT_CWD is where the user typed the command.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    stdin: readPipedStdin,
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${tool} failed: ${(err as Error).message}\n`);
      process.exit(EXIT.refused);
    },
  );
}

async function readPipedStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
