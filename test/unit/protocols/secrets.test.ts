import fc from 'fast-check';
import { buildIso18626, parseIso18626, type InboundMessage } from '../../../protocols/iso18626';
import { buildNcip } from '../../../protocols/ncip';
import { maskParsedSecrets, maskXmlSecrets } from '../../../protocols/secrets';
import { fullRequest, fullSupplyingAgencyMessage, header } from './iso18626/messages';

describe('masking secrets in protocol messages', () => {
  it('masks the ISO 18626 securityCode of a request and keeps every other byte', () => {
    const xml = buildIso18626(fullRequest);
    const masked = maskXmlSecrets(xml);
    expect(masked).toBe(xml.replace('<securityCode>s3cret</securityCode>', '<securityCode>***</securityCode>'));
    expect(masked).not.toContain('s3cret');
    expect((parseIso18626(masked).message as InboundMessage).header.requestingAgencyAuthentication).toEqual({ accountId: 'acct', securityCode: '***' });
  });

  it('masks the code in a supplier’s messages too (the header is the same in both directions)', () => {
    const masked = maskXmlSecrets(buildIso18626({ ...fullSupplyingAgencyMessage, header: { ...header, requestingAgencyAuthentication: { securityCode: 'lender-code' } } }));
    expect(masked).not.toContain('lender-code');
    expect(masked).toContain('<securityCode>***</securityCode>');
  });

  it.each([
    ['a prefix of the sender’s choice', '<i:securityCode>top-secret</i:securityCode>', '<i:securityCode>***</i:securityCode>'],
    ['another spelling of the name', '<SecurityCode>top-secret</SecurityCode>', '<SecurityCode>***</SecurityCode>'],
    ['attributes and whitespace', '<securityCode a="1" >\n  top-secret  \n</securityCode >', '<securityCode a="1" >***</securityCode >'],
    ['a ">" inside an attribute value', '<securityCode a="x>top">top-secret</securityCode>', '<securityCode a="x>***</securityCode>'],
    ['a CDATA section holding a closing tag', '<securityCode><![CDATA[top</securityCode>secret]]></securityCode>', '<securityCode>***</securityCode>'],
    ['a comment holding a closing tag', '<securityCode>top<!-- </securityCode> -->secret</securityCode>', '<securityCode>***</securityCode>'],
    ['character references', '<securityCode>&#116;op-secret&amp;</securityCode>', '<securityCode>***</securityCode>'],
    ['a tag that is never closed', '<h><securityCode>top-secret<other>x</other>', '<h><securityCode>***'],
    ['a closing tag in another case', '<securityCode>top</SECURITYCODE>secret</h>', '<securityCode>***'],
    ['a start tag that never ends', '<h><securityCode top-secret', '<h><securityCode***'],
    ['a commented-out element', '<!-- <securityCode>top-secret</securityCode> -->', '<!-- <securityCode>***</securityCode> -->'],
    ['a document with a DTD (refused, but stored as received)', '<!DOCTYPE x [<!ENTITY e "y">]><x><securityCode>top-secret</securityCode></x>', '<!DOCTYPE x [<!ENTITY e "y">]><x><securityCode>***</securityCode></x>'],
    ['two codes', '<securityCode>one-secret</securityCode><securityCode>two-secret</securityCode>', '<securityCode>***</securityCode><securityCode>***</securityCode>'],
  ])('masks a code written with %s', (_case, xml, expected) => {
    expect(maskXmlSecrets(xml)).toBe(expected);
  });

  it('leaves empty codes and look-alike names alone', () => {
    for (const xml of ['<securityCode/>', '<securityCode></securityCode>', '<securityCodeHint>visible</securityCodeHint>', '<note>securityCode: visible</note>']) {
      expect(maskXmlSecrets(xml)).toBe(xml);
    }
  });

  it('masks whatever code a message carries, known to this server or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 6, maxLength: 40 }).filter((s) => s.trim().length >= 6), (code) => {
        const xml = buildIso18626({ ...fullRequest, header: { ...header, requestingAgencyAuthentication: { securityCode: code } } });
        const masked = maskXmlSecrets(xml);
        expect((parseIso18626(masked).message as InboundMessage).header.requestingAgencyAuthentication?.securityCode).toBe('***');
        expect(masked).toBe(xml.replace(/<securityCode>[^<]*<\/securityCode>/, '<securityCode>***</securityCode>'));
      }),
    );
  });

  it('masks NCIP agency authentication and authentication input data', () => {
    const xml = buildNcip({
      messageType: 'LookupUser',
      initiationHeader: { fromAgencyId: { value: 'ILL' }, fromAgencyAuthentication: 'agency-secret', toAgencyId: { value: 'ILS' } },
      authenticationInputs: [{ authenticationInputData: '4711', authenticationDataFormatType: { value: 'text' }, authenticationInputType: { value: 'PIN' } }],
    } as never);
    const masked = maskXmlSecrets(xml);
    expect(masked).not.toMatch(/agency-secret|4711/);
    expect(masked).toMatch(/<([\w]+:)?FromAgencyAuthentication>\*\*\*</);
    expect(masked).toMatch(/<([\w]+:)?AuthenticationInputData>\*\*\*</);
  });

  it('masks the same fields in parsed messages, without touching the original', () => {
    const parsed = { message: { header: { requestingAgencyAuthentication: { accountId: 'acct', securityCode: 's3cret' } } }, ncip: { initiationHeader: { fromAgencyAuthentication: 'x' }, authenticationInputs: [{ authenticationInputData: '4711' }] } };
    expect(maskParsedSecrets(parsed)).toEqual({
      message: { header: { requestingAgencyAuthentication: { accountId: 'acct', securityCode: '***' } } },
      ncip: { initiationHeader: { fromAgencyAuthentication: '***' }, authenticationInputs: [{ authenticationInputData: '***' }] },
    });
    expect(parsed.message.header.requestingAgencyAuthentication.securityCode).toBe('s3cret');
  });
});
