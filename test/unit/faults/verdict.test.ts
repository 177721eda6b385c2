/**
 * The fault suite's rules (test/faults/verdict.ts, counts.ts, table.ts): what makes a scenario
 * pass, and how its figures are read and shown. The suite itself runs with `npm run faults`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drained, mailedNotices, type Counts } from '../../faults/counts';
import type { BatchResult } from '../../faults/load';
import { spreadOverLanes, type Scenario } from '../../faults/scenarios';
import { formatTable, summary, type Row } from '../../faults/table';
import { failuresOf, type Measured } from '../../faults/verdict';

const settled: Counts = {
  committed: 100,
  atLender: 100,
  missing: 0,
  lost: 0,
  committedUnanswered: 0,
  duplicates: 0,
  shipped: 100,
  deadRows: 0,
  outstanding: 0,
  outstandingRows: [],
  noticesMailed: 200,
  duplicateMails: 0,
  mailedTwice: [],
};

const allAnswered: BatchResult = { submitted: 100, accepted: Array.from({ length: 100 }, (_, i) => `r${i}`), unanswered: 0, refused: 0, retries: 0, slowestAnswerS: 0.2, problems: new Map() };

const scenario = (answers: Scenario['answers'], name = 'a fault', expectedS = 30): Scenario => ({ name, separateWorker: false, embeddedBorrower: false, answers, expectedS, fault: async () => [] });

const measured = (overrides: Partial<Measured> = {}): Measured => ({
  scenario: scenario('all'),
  batch: allAnswered,
  counts: settled,
  drainedIn: 4.2,
  drainTimeoutS: 90,
  crashes: [],
  faultProblems: [],
  ...overrides,
});

const cutShort = (unanswered: number): BatchResult => ({ ...allAnswered, accepted: allAnswered.accepted.slice(unanswered), unanswered });

describe('judging a fault scenario', () => {
  it('passes when every request reached the lender once, nothing died, no mail went twice and the work drained', () => {
    expect(failuresOf(measured())).toEqual([]);
    expect(drained(settled)).toBe(true);
  });

  it('fails when accepted work never reached the lender, or arrived twice', () => {
    expect(failuresOf(measured({ counts: { ...settled, missing: 2, lost: 1, atLender: 98 } }))).toEqual([
      "2 borrowing requests never reached the lender (1 answered 201 are not in the borrower's database)",
    ]);
    expect(failuresOf(measured({ counts: { ...settled, duplicates: 1 } }))).toEqual(['1 duplicate lending requests at the lender']);
  });

  it('fails on dead outbox rows and on a notice mailed twice', () => {
    expect(failuresOf(measured({ counts: { ...settled, deadRows: 3, duplicateMails: 1, mailedTwice: ['r7:shipped'] } }))).toEqual([
      '3 dead outbox rows',
      '1 patron mails sent twice for the same request and notice (r7:shipped)',
    ]);
  });

  it('fails when the work has not drained in time, saying what is left', () => {
    const stuck = { ...settled, shipped: 99, outstanding: 1, outstandingRows: ['borrower delivery/iso18626.send queued for 95 s after 7 attempts'] };
    expect(drained(stuck)).toBe(false);
    expect(failuresOf(measured({ counts: stuck, drainedIn: undefined }))).toEqual([
      'not drained within 90 s: 99/100 shipped, 200/200 notices mailed, 1 outbox rows still due: borrower delivery/iso18626.send queued for 95 s after 7 attempts',
    ]);
  });

  it('counts a process that exited unasked as a failure, with the evidence', () => {
    const crash = { process: 'borrower', code: 1, signal: null, why: "Unhandled 'error' event | Error: Connection terminated unexpectedly" };
    expect(failuresOf(measured({ crashes: [crash] }))).toEqual(["borrower exited unasked (exit code 1): Unhandled 'error' event | Error: Connection terminated unexpectedly"]);
  });

  it('expects every request answered while the borrower stays up, but not after a SIGKILL', () => {
    expect(failuresOf(measured({ batch: cutShort(4) }))).toEqual(['4 of 100 requests were not accepted (4 unanswered, 0 refused)']);
    expect(failuresOf(measured({ scenario: scenario('any'), batch: cutShort(4) }))).toEqual([]);
  });

  it('lets a graceful stop reset a connection it never read, but not cut off the answer to a request it made', () => {
    expect(failuresOf(measured({ scenario: scenario('every-commit'), batch: cutShort(1) }))).toEqual([]);
    expect(failuresOf(measured({ scenario: scenario('every-commit'), batch: cutShort(1), counts: { ...settled, committedUnanswered: 1 } }))).toEqual([
      '1 requests were made but their answer was cut off',
    ]);
  });
});

describe('reading the mail folder', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'ill-faults-mail-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const mail = (file: string, messageId: string) => writeFileSync(join(folder, file), `Message-ID: <${messageId}>\nSubject: Shipped\n\nbody\n`);

  it('groups mails by the notice their Message-ID names: a copy is a duplicate, another notice is not', () => {
    mail('1.eml', 'notice.n1@localhost');
    mail('2.eml', 'notice.n1@localhost');
    mail('3.eml', 'notice.n2@localhost');
    writeFileSync(join(folder, '4.eml.tmp'), 'half written');
    const rows = new Map([
      ['n1', 'r1:shipped'],
      ['n2', 'r1:request_received'],
    ]);
    expect(mailedNotices(folder, rows)).toEqual({ total: 3, distinct: 2, twice: ['r1:shipped'] });
  });
});

describe('the table', () => {
  const row = (name: string, failures: string[]): Row => ({
    scenario: name,
    requests: 100,
    accepted: 100,
    atLender: 100,
    missing: 0,
    duplicates: 0,
    deadRows: 0,
    duplicateMails: 0,
    drainedIn: failures.length ? undefined : 6.1,
    drainTimeoutS: 90,
    failures,
    clientSaw: [],
  });

  it('has one row per scenario with its figures and result, and a summary CI can add up', () => {
    const rows = [row('lender down 6 s, back', []), row('worker process SIGKILL, restart', ['not drained'])];
    const lines = formatTable(rows).split('\n');
    expect(lines[0]).toMatch(/^\| scenario +\| requests \| accepted \| at lender \| missing \| duplicates \| dead rows \| duplicate mails \| drained in s \| result \|$/);
    expect(lines[2]).toMatch(/^\| lender down 6 s, back +\| +100 \| +100 \| +100 \| +0 \| +0 \| +0 \| +0 \| +6\.1 \| +pass \|$/);
    expect(lines[3]).toMatch(/\| +> 90 \| +FAIL \|$/);
    expect(summary(rows)).toMatchObject({ passed: 1, failed: 1 });
  });
});

describe('lanes', () => {
  it('spreads scenarios so that the lanes take about as long as each other', () => {
    const [kill, kill2, slow, a, b, c] = [75, 75, 50, 30, 25, 25].map((s, i) => scenario('any', `s${i}`, s));
    const lanes = spreadOverLanes([a!, kill!, b!, kill2!, slow!, c!], 3);
    expect(lanes.map((l) => l.map((s) => s.name))).toEqual([['s0', 's4'], ['s1', 's5'], ['s2', 's3']]);
    expect(spreadOverLanes([a!], 3)).toEqual([[a]]);
  });
});
