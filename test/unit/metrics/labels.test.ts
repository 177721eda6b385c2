/**
 * Label values stay in small known sets whatever the code that counts passes in: a state the
 * machines do not have, a status or errorType a partner made up, a symbol the directory does not
 * know, each land in one series (`other`, `unknown`) instead of a new one per value.
 */
import { createMetrics } from '../../../src/metrics/metrics';
import { partnerLabel } from '../../../src/metrics/labels';
import { parseExposition, valueOf } from '../../helpers/metrics';

const directory = {
  partner: async (symbol: string) => (symbol === 'ISIL:DK-P' ? { symbol } : undefined),
  library: async (symbol: string) => (symbol === 'ISIL:DK-M' ? { symbol } : undefined),
};

describe('partner labels', () => {
  it('are the symbol of a partner or a member library in the directory', async () => {
    expect(await partnerLabel(directory, 'ISIL:DK-P')).toBe('ISIL:DK-P');
    expect(await partnerLabel(directory, 'ISIL:DK-M')).toBe('ISIL:DK-M');
  });

  it('are "unknown" for anything else: a claimed symbol, an address, nothing, a directory that cannot be read', async () => {
    expect(await partnerLabel(directory, 'ISIL:XX-MADE-UP')).toBe('unknown');
    expect(await partnerLabel(directory, '192.0.2.7')).toBe('unknown');
    expect(await partnerLabel(directory, null)).toBe('unknown');
    const away = { partner: () => Promise.reject(new Error('database unavailable')), library: () => Promise.reject(new Error('database unavailable')) };
    expect(await partnerLabel(away, 'ISIL:DK-P')).toBe('unknown');
  });
});

describe('the instruments bound their labels', () => {
  const exposed = async (record: (m: ReturnType<typeof createMetrics>['record']) => void) => {
    const metrics = createMetrics();
    record(metrics.record);
    return parseExposition(await metrics.registry.metrics());
  };

  it('count states by the machine of the role; a first state comes from "none"', async () => {
    const samples = await exposed((m) => {
      m.transition('requester', null, 'new');
      m.transition('requester', 'new', 'sent_to_supplier');
      m.transition('supplier', 'sent_to_supplier', 'no-such-state');
    });
    expect(valueOf(samples, 'ill_state_transitions_total', { role: 'requester', from: 'none', to: 'new' })).toBe(1);
    expect(valueOf(samples, 'ill_state_transitions_total', { role: 'requester', from: 'new', to: 'sent_to_supplier' })).toBe(1);
    // sent_to_supplier is a requester state, not a supplier one.
    expect(valueOf(samples, 'ill_state_transitions_total', { role: 'supplier', from: 'other', to: 'other' })).toBe(1);
  });

  it('count message types, statuses and errorTypes of the protocol only', async () => {
    const samples = await exposed((m) => {
      m.iso18626Message('in', 'ISIL:DK-P', 'request', 'answered');
      m.iso18626Message('in', 'unknown', 'notAMessage', 'whatever');
      m.iso18626Message('out', 'ISIL:DK-P', 'request', 'answered');
      m.confirmationError('out', 'ISIL:DK-P', 'UnrecognisedDataValue');
      m.confirmationError('out', 'ISIL:DK-P', 'TheirOwnInvention');
      m.confirmationError('in', 'unknown', undefined);
    });
    expect(valueOf(samples, 'ill_iso18626_messages_total', { direction: 'in', message_type: 'request', status: 'answered' })).toBe(1);
    expect(valueOf(samples, 'ill_iso18626_messages_total', { direction: 'in', message_type: 'other', status: 'other' })).toBe(1);
    // "answered" is what we say of a message in; of one out it is confirmed, refused or failed.
    expect(valueOf(samples, 'ill_iso18626_messages_total', { direction: 'out', status: 'other' })).toBe(1);
    expect(valueOf(samples, 'ill_iso18626_confirmation_errors_total', { error_type: 'UnrecognisedDataValue' })).toBe(1);
    expect(valueOf(samples, 'ill_iso18626_confirmation_errors_total', { error_type: 'other' })).toBe(2);
  });

  it('count jobs by the names of src/jobs.ts and notices by the patron notices', async () => {
    const samples = await exposed((m) => {
      m.job('iso18626.send', 'done', 0.02);
      m.job('something-else', 'failed', 1);
      m.mailSent('shipped');
      m.mailSent('a-notice-we-do-not-have');
      m.mailSkipped('overdue', 'no_address');
    });
    expect(valueOf(samples, 'ill_job_duration_seconds_count', { job: 'iso18626.send', outcome: 'done' })).toBe(1);
    expect(valueOf(samples, 'ill_job_duration_seconds_count', { job: 'other', outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'ill_patron_mails_sent_total', { notice: 'shipped' })).toBe(1);
    expect(valueOf(samples, 'ill_patron_mails_sent_total', { notice: 'other' })).toBe(1);
    expect(valueOf(samples, 'ill_patron_mails_skipped_total', { notice: 'overdue', reason: 'no_address' })).toBe(1);
  });

  it('put turnaround in buckets from an hour to six weeks', async () => {
    const samples = await exposed((m) => {
      m.turnaround('request_to_shipped', 'ISIL:DK-P', 30 * 60);
      m.turnaround('request_to_shipped', 'ISIL:DK-P', 2.5 * 24 * 3600);
    });
    const bucket = (le: string) => valueOf(samples, 'ill_borrowing_turnaround_seconds_bucket', { lender: 'ISIL:DK-P', interval: 'request_to_shipped', le });
    expect([bucket('3600'), bucket('172800'), bucket('259200'), bucket('3628800'), bucket('+Inf')]).toEqual([1, 1, 2, 2, 2]);
  });
});
