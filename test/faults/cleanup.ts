/**
 * Everything the fault suite starts (processes, the PostgreSQL cluster, temp folders) registers
 * here how to take it away. The undo steps are synchronous, so they also run from an 'exit'
 * handler: nothing outlives the suite, whether it ends normally, throws or gets Ctrl-C.
 */
type Undo = () => void;

const undos: { readonly what: string; readonly undo: Undo }[] = [];
let stopping = false;

/** Registers `undo`; the returned function runs it now (and only once) and unregisters it. */
export function onCleanup(what: string, undo: Undo): () => void {
  const entry = { what, undo };
  undos.push(entry);
  return () => {
    const at = undos.indexOf(entry);
    if (at === -1) return;
    undos.splice(at, 1);
    runQuietly(entry);
  };
}

/** True once the suite is being torn down: supervisors must not restart what exits now. */
export function isStopping(): boolean {
  return stopping;
}

/** Undoes everything still registered, newest first. */
export function cleanupAll(): void {
  stopping = true;
  while (undos.length > 0) runQuietly(undos.pop()!);
}

function runQuietly(entry: { readonly what: string; readonly undo: Undo }): void {
  try {
    entry.undo();
  } catch (err) {
    process.stderr.write(`cleanup of ${entry.what} failed: ${(err as Error).message}\n`);
  }
}

/**
 * Ctrl-C or SIGTERM: clean up and exit 130. A terminal sends the signal to the whole process
 * group and `npm run faults` forwards it as well, so a repeated signal is expected and ignored.
 */
export function cleanUpOnSignals(): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(`\n${signal}: stopping every process the suite started and removing its files\n`);
    cleanupAll();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', cleanupAll);
}
