import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../config/load';
import { checkStart, EXIT_CONFIG } from '../../../src/main';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ill-config-')), name);
  writeFileSync(path, text);
  return path;
}

describe('configuration', () => {
  it('defaults to the embedded mode: PGlite under ./data, a private Redis, mail to files', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: './data', logLevel: 'info', workers: 'inprocess' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('reads every documented environment variable', () => {
    const config = loadConfig({
      env: {
        PORT: '8080',
        DATABASE_URL: 'postgres://ill:secret@db.example.org:5432/ill',
        REDIS_URL: 'redis://cache.example.org:6379',
        DATA_DIR: '/var/lib/ill',
        PUBLIC_URL: 'https://ill.example.org/',
        LOG_LEVEL: 'debug',
        SMTP_URL: 'smtp://mail.example.org:587',
        BODY_LIMIT: '512kb',
      },
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://ill:secret@db.example.org:5432/ill',
      redisUrl: 'redis://cache.example.org:6379',
      dataDir: '/var/lib/ill',
      publicUrl: 'https://ill.example.org',
      logLevel: 'debug',
      smtpUrl: 'smtp://mail.example.org:587',
      bodyLimit: 512 * 1024,
    });
  });

  it('takes a YAML or JSON config file and lets the environment override it', () => {
    const yaml = tempFile('ill.yaml', 'port: 4000\nlogLevel: warn\ndataDir: /srv/ill\n');
    expect(loadConfig({ env: { CONFIG_FILE: yaml, PORT: '4001' } })).toMatchObject({ port: 4001, logLevel: 'warn', dataDir: '/srv/ill' });
    const json = tempFile('ill.json', JSON.stringify({ port: 4100 }));
    expect(loadConfig({ env: { CONFIG_FILE: json } }).port).toBe(4100);
  });

  it('names the environment variable and what is wrong with it', () => {
    expect(problemsOf(() => loadConfig({ env: { PORT: 'eighty' } }))).toEqual(['PORT: must be a number (got "eighty")']);
    expect(problemsOf(() => loadConfig({ env: { PORT: '70000' } }))).toEqual(['PORT: must be between 1 and 65535 (got "70000")']);
    expect(problemsOf(() => loadConfig({ env: { LOG_LEVEL: 'loud' } }))[0]).toMatch(/^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  it('reports every bad key at once', () => {
    expect(problemsOf(() => loadConfig({ env: { PORT: '-1', REDIS_URL: 'http://x', WORKERS: 'both' } }))).toHaveLength(3);
  });

  it('never echoes a URL that may hold a password', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { DATABASE_URL: 'mysql://root:hunter2@db/ill' } }));
    expect(problem).toMatch(/^DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//);
    expect(problem).not.toContain('hunter2');
  });

  it('names the file key when the bad value came from the config file', () => {
    const file = tempFile('bad.json', JSON.stringify({ port: 'x', colour: 'blue' }));
    expect(problemsOf(() => loadConfig({ env: { CONFIG_FILE: file } }))[0]).toMatch(/unknown key "colour"/);
    const file2 = tempFile('bad2.json', JSON.stringify({ port: 'x' }));
    expect(problemsOf(() => loadConfig({ env: { CONFIG_FILE: file2 } }))).toEqual([`port (in ${file2}): must be a number`]);
  });

  it('refuses an unreadable or unparseable config file with one line', () => {
    expect(problemsOf(() => loadConfig({ env: { CONFIG_FILE: '/nonexistent/ill.yaml' } }))).toEqual(['CONFIG_FILE: cannot read /nonexistent/ill.yaml (ENOENT)']);
    const broken = tempFile('broken.json', '{ "port": ');
    expect(problemsOf(() => loadConfig({ env: { CONFIG_FILE: broken } }))[0]).toMatch(/is not valid JSON/);
  });
});

describe('starting with a bad configuration', () => {
  const run = (env: NodeJS.ProcessEnv, argv: string[] = []) => {
    const stderr: string[] = [];
    const outcome = checkStart({ env, argv, stderr: (l) => stderr.push(l), stdout: () => {} });
    return { outcome, stderr: stderr.join('\n') };
  };

  it('stops with exit code 2 and a message naming the key, not a stack trace', () => {
    const { outcome, stderr } = run({ PORT: 'abc' });
    expect(outcome).toEqual({ exitCode: EXIT_CONFIG });
    expect(stderr).toBe('Invalid configuration:\n  - PORT: must be a number (got "abc")');
    expect(stderr).not.toMatch(/\bat \w+ \(/);
  });

  it('refuses a separate worker process on the embedded database', () => {
    const { outcome, stderr } = run({}, ['--workers']);
    expect(outcome).toEqual({ exitCode: EXIT_CONFIG });
    expect(stderr).toMatch(/DATABASE_URL: a separate worker process needs a PostgreSQL server/);
  });

  it('starts the worker role when a PostgreSQL server is configured', () => {
    const { outcome } = run({ DATABASE_URL: 'postgres://localhost/ill' }, ['--workers']);
    expect(outcome).toMatchObject({ role: 'workers' });
  });
});
