import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueError } from '../../../src/catalog/errors';
import { readSruAnswer } from '../../../src/catalog/sru-response';
import { SHARED_SRU_DIR } from '../../helpers/sru-server';

const MAX = 1024 * 1024;
const sample = (name: string) => readFileSync(join(SHARED_SRU_DIR, name), 'utf8');
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/catalog', name), 'utf8');

function refusal(body: string, options: { maxBytes?: number; contentType?: string } = {}): CatalogueError {
  try {
    readSruAnswer(body, { maxBytes: options.maxBytes ?? MAX, ...(options.contentType ? { contentType: options.contentType } : {}) });
  } catch (err) {
    if (err instanceof CatalogueError) return err;
    throw err;
  }
  throw new Error('the answer was accepted');
}

describe('reading an SRU answer', () => {
  it('reads the SRU namespace whatever prefix it has: zs:, or the default namespace', () => {
    const gvi = readSruAnswer(fixture('gvi-marc924.xml'), { maxBytes: MAX });
    const alma = readSruAnswer(sample('upenn-libraries-Find__physical_bib_availability.xml'), { maxBytes: MAX });
    expect(gvi).toMatchObject({ version: '1.2', numberOfRecords: 1, records: [{ schema: 'marcxml', position: 1, data: { name: 'record', ns: '' } }] });
    expect(alma).toMatchObject({ version: '1.2', numberOfRecords: 1, records: [{ schema: 'marcxml', identifier: '994689523503681', data: { name: 'record', ns: 'http://www.loc.gov/MARC21/slim' } }] });
  });

  it('keeps every record sent when numberOfRecords says fewer (BIBSYS: 2, with three records)', () => {
    const answer = readSruAnswer(sample('BIBSYSDEV-alma-sru-proxy__SRU_response_3_hits_for_one_isbn.xml'), { maxBytes: MAX });
    expect(answer.numberOfRecords).toBe(2);
    expect(answer.records).toHaveLength(3);
  });

  it('reads zero hits as no records, not as an error', () => {
    expect(readSruAnswer(sample('upenn-libraries-Find__record_not_found.xml'), { maxBytes: MAX })).toMatchObject({ numberOfRecords: 0, records: [], diagnostics: [] });
  });

  it('unpacks a record sent as escaped XML (recordPacking string)', () => {
    const [record] = readSruAnswer(fixture('string-packed.xml'), { maxBytes: MAX }).records;
    expect(record?.data).toMatchObject({ name: 'record', ns: 'http://www.loc.gov/MARC21/slim' });
    expect(record?.data.children.find((c) => c.name === 'datafield')?.children[0]?.text).toBe('Packed & escaped');
  });

  it('turns an SRU diagnostic into a typed error with the server’s message', () => {
    const err = refusal(`<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.1</zs:version><zs:numberOfRecords>0</zs:numberOfRecords>
      <zs:diagnostics><diag:diagnostic xmlns:diag="http://www.loc.gov/zing/srw/diagnostic/"><diag:uri>info:srw/diagnostic/1/16</diag:uri><diag:details>pica.foo</diag:details><diag:message>Unsupported index</diag:message></diag:diagnostic></zs:diagnostics></zs:searchRetrieveResponse>`);
    expect(err.kind).toBe('diagnostic');
    expect(err.diagnostics).toEqual([{ uri: 'info:srw/diagnostic/1/16', code: '16', message: 'Unsupported index', details: 'pica.foo' }]);
    expect(err.message).toBe('SRU diagnostic 16 (Unsupported index): pica.foo');
  });

  it('reads Alma’s bare diagnostic code, sent without numberOfRecords', () => {
    const err = refusal(`<?xml version="1.0" encoding="UTF-8" standalone="no"?><searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><version>1.2</version>
      <diagnostics><diag:diagnostic xmlns:diag="http://www.loc.gov/zing/srw/diagnostic/"><diag:uri>200801</diag:uri><diag:details>Invalid query</diag:details><diag:message>The query is not valid</diag:message></diag:diagnostic></diagnostics></searchRetrieveResponse>`);
    expect(err).toMatchObject({ kind: 'diagnostic', message: 'SRU diagnostic 200801 (The query is not valid): Invalid query' });
  });

  it('reads SRU 2.0 answers and a bare <diagnostics> root', () => {
    const v2 = readSruAnswer(`<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse"><sru:version>2.0</sru:version><sru:numberOfRecords>0</sru:numberOfRecords></sru:searchRetrieveResponse>`, { maxBytes: MAX });
    expect(v2).toMatchObject({ version: '2.0', numberOfRecords: 0, records: [] });
    expect(refusal('<diagnostics xmlns="http://www.loc.gov/zing/srw/"><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/1</uri><message>General system error</message></diagnostic></diagnostics>').kind).toBe('diagnostic');
  });

  it('keeps records sent with a warning, and a surrogate diagnostic in place of a record is only a warning', () => {
    const answer = readSruAnswer(`<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><version>1.2</version><numberOfRecords>2</numberOfRecords><records>
      <record><recordSchema>marcxml</recordSchema><recordData><record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader></record></recordData></record>
      <record><recordSchema>info:srw/schema/1/diagnostics-v1.1</recordSchema><recordData><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/65</uri><message>Record deleted by another user</message></diagnostic></recordData></record>
      </records></searchRetrieveResponse>`, { maxBytes: MAX });
    expect(answer.records).toHaveLength(1);
    expect(answer.diagnostics).toEqual([{ uri: 'info:srw/diagnostic/1/65', code: '65', message: 'Record deleted by another user' }]);
  });

  it('refuses a web page instead of SRU, saying so', () => {
    expect(refusal('<!DOCTYPE html><html><head><title>Sign in</title></head><body/></html>')).toMatchObject({ kind: 'html', message: 'the catalogue answered with a web page (“Sign in”), not SRU' });
    expect(refusal('<html><body>Bad gateway</body></html>').kind).toBe('html');
    expect(refusal('<?xml version="1.0"?><error/>', { contentType: 'text/html; charset=utf-8' }).kind).toBe('html');
  });

  it('reads an SRU answer wrongly labelled text/html', () => {
    const answer = readSruAnswer(sample('upenn-libraries-Find__record_not_found.xml'), { maxBytes: MAX, contentType: 'text/html' });
    expect(answer.numberOfRecords).toBe(0);
  });

  it('refuses garbage, an empty answer and XML that is no SRU answer', () => {
    expect(refusal('\u0000PK\u0003 garbage <zs:searchRetrieveResponse').kind).toBe('not-xml');
    expect(refusal('').kind).toBe('not-xml');
    expect(refusal('<explainResponse xmlns="http://www.loc.gov/zing/srw/"/>')).toMatchObject({ kind: 'not-sru', message: 'the answer is <explainResponse>, not an SRU searchRetrieveResponse' });
  });

  it('refuses an answer longer than the limit before parsing it', () => {
    expect(refusal(sample('hbz-lobid-extra-holdings__sru_records_and_holdings.xml'), { maxBytes: 10_000 }).kind).toBe('too-large');
  });

  it('expands no entities: a DTD is refused, in the envelope and in a string-packed record', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><version>&lol2;</version></searchRetrieveResponse>';
    expect(refusal(laughs).kind).toBe('not-xml');
    const xxe = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><record>&x;</record>';
    const packed = `<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><records><record><recordPacking>string</recordPacking><recordData>${xxe.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</recordData></record></records></searchRetrieveResponse>`;
    expect(refusal(packed)).toMatchObject({ kind: 'not-xml' });
    expect(refusal(packed).message).toContain('DOCTYPE');
  });
});
