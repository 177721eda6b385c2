/**
 * Runs the mock ILS standalone for demos: `npm run mock-ils` prints its NCIP URL.
 * Patrons P-1 (active) and P-BLOCKED, item B-100 (record bib-1).
 */
import { startMockIls } from '../test/helpers/mock-ils';

async function main(): Promise<void> {
  const ils = await startMockIls({
    users: [
      { id: 'P-1', givenName: 'Ada', surname: 'Lovelace', email: 'ada@example.org', username: 'ada' },
      { id: 'P-BLOCKED', surname: 'Byron', blocked: true },
    ],
    items: [{ barcode: 'B-100', title: 'Notes on the Analytical Engine', bibId: 'bib-1' }],
  });
  process.stdout.write(`mock ILS listening: ${ils.url}\n`);
  const stop = (): void => {
    void ils.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
