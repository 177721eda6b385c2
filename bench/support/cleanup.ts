/**
 * What a benchmark started (servers, clusters, databases, folders), undone in reverse order when
 * it ends, fails or is interrupted: a run never leaves a process or a database behind.
 */
export class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`cleanup: ${String(err)}`);
      }
    }
  }
}

/** Runs `body` with a cleanup stack that runs after it, and on Ctrl-C before exiting 130. */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  const interrupted = () => void cleanup.run().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    return await body(cleanup);
  } finally {
    process.off('SIGINT', interrupted);
    await cleanup.run();
  }
}
