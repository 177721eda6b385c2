/**
 * Reading the bytes of a protocol message as text: what each encoding signal means, and that a
 * body no retry can fix is refused with a reason the sender can act on, its bytes kept intact.
 */
import { decodeXmlBytes, type DecodedXml } from '../../../protocols/decode';

const XML = '<?xml version="1.0"?><ISO18626Message><title>Ærø Kommune – Æblet</title></ISO18626Message>';
const latin1Xml = (declaration: string) => Buffer.from(`${declaration}<a>Ærø</a>`, 'latin1');
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

function text(decoded: DecodedXml): string {
  if (!decoded.ok) throw new Error(`expected text, got: ${decoded.reason}`);
  return decoded.text;
}
function refusal(decoded: DecodedXml): string {
  if (decoded.ok) throw new Error('expected the body to be refused');
  return decoded.reason;
}

describe('decoding a protocol body', () => {
  describe('reads', () => {
    it.each([
      ['UTF-8 with no charset anywhere', Buffer.from(XML), undefined],
      ['UTF-8 declared in the Content-Type', Buffer.from(XML), 'application/xml; charset=UTF-8'],
      ['UTF-8 with a byte order mark (which is dropped)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XML)]), 'text/xml'],
      ['UTF-16LE with a byte order mark and no charset', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XML, 'utf16le')]), 'application/xml'],
      ['UTF-16BE with a byte order mark and no charset', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(XML)]), undefined],
      ['UTF-16 without a byte order mark when the charset says utf-16le', Buffer.from(XML, 'utf16le'), 'application/xml; charset=utf-16le'],
      ['UTF-16 without a byte order mark when the charset says utf-16 (big-endian bytes)', utf16be(XML), 'application/xml; charset="utf-16"'],
      ['UTF-16 without a byte order mark when the charset says utf-16 (little-endian bytes)', Buffer.from(XML, 'utf16le'), 'application/xml; charset=utf-16'],
    ])('%s', (_case, bytes, contentType) => {
      expect(text(decodeXmlBytes(bytes, contentType))).toBe(XML);
    });

    it('ISO-8859-1 named by the Content-Type charset', () => {
      expect(text(decodeXmlBytes(latin1Xml(''), 'text/xml; charset=ISO-8859-1'))).toBe('<a>Ærø</a>');
    });

    it('ISO-8859-1 named by the XML declaration when the Content-Type names none', () => {
      const declaration = '<?xml version="1.0" encoding="ISO-8859-1"?>';
      expect(text(decodeXmlBytes(latin1Xml(declaration), 'application/xml'))).toBe(`${declaration}<a>Ærø</a>`);
    });

    it('the Content-Type charset over the XML declaration (RFC 7303)', () => {
      const body = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>Ærø</a>');
      expect(text(decodeXmlBytes(body, 'application/xml; charset=utf-8'))).toContain('<a>Ærø</a>');
    });

    it('an empty body as empty text (the codec refuses it in its own words)', () => {
      expect(decodeXmlBytes(Buffer.alloc(0))).toEqual({ ok: true, text: '', encoding: 'utf-8' });
    });
  });

  describe('refuses, for good', () => {
    it('invalid UTF-8, saying where', () => {
      const body = Buffer.concat([Buffer.from('<a>abc'), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]);
      expect(refusal(decodeXmlBytes(body, 'application/xml'))).toBe('the body is not valid UTF-8 (byte 6); declare its charset if it is not UTF-8');
    });

    it('ISO-8859-1 bytes sent as UTF-8', () => {
      expect(refusal(decodeXmlBytes(latin1Xml(''), 'application/xml; charset=utf-8'))).toBe('the body is not valid UTF-8 (byte 3)');
    });

    it('UTF-16 with neither a byte order mark nor a charset', () => {
      expect(refusal(decodeXmlBytes(Buffer.from(XML, 'utf16le'), 'application/xml'))).toMatch(/^the body looks like UTF-16 \(NUL bytes between ASCII characters\), but neither a byte order mark nor a Content-Type charset says so/);
      expect(refusal(decodeXmlBytes(utf16be(XML)))).toMatch(/^the body looks like UTF-16/);
    });

    it('UTF-16 sent with charset=utf-8', () => {
      expect(refusal(decodeXmlBytes(Buffer.from(XML, 'utf16le'), 'text/xml; charset=utf-8'))).toBe('the body looks like UTF-16 (NUL bytes between ASCII characters), but its charset says UTF-8');
    });

    it('a NUL byte, which XML does not allow and PostgreSQL text cannot hold', () => {
      expect(refusal(decodeXmlBytes(Buffer.from('<a>x\u0000y</a>'), 'application/xml'))).toBe('the body contains a NUL character (U+0000) at character 4, which XML does not allow');
    });

    it('a charset this server does not read', () => {
      expect(refusal(decodeXmlBytes(Buffer.from(XML), 'application/xml; charset=klingon'))).toBe('the Content-Type charset "klingon" is not one this server reads; send UTF-8');
    });

    it('an encoding in the XML declaration this server does not read', () => {
      const body = Buffer.from('<?xml version="1.0" encoding="EBCDIC-XYZ"?><a/>');
      expect(refusal(decodeXmlBytes(body))).toBe('the encoding "EBCDIC-XYZ" of the XML declaration is not one this server reads; send UTF-8');
    });

    it('a declaration of UTF-16 on a body that is plainly not UTF-16', () => {
      const body = Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a/>');
      expect(refusal(decodeXmlBytes(body))).toBe('the XML declaration says UTF-16, but the body is not UTF-16 (it has no byte order mark)');
    });

    it('with sender-supplied labels made printable and short before they are echoed', () => {
      const reason = refusal(decodeXmlBytes(Buffer.from('<a/>'), `application/xml; charset=x\u0001${'y'.repeat(100)}`));
      expect(reason).toMatch(/^the Content-Type charset "x\?y{38}\.\.\." is not one/);
    });
  });

  it('keeps every byte of a refused body, and a printable rendering without control characters', () => {
    const bytes = Buffer.from(XML, 'utf16le');
    const decoded = decodeXmlBytes(bytes);
    if (decoded.ok) throw new Error('expected a refusal');
    expect(Buffer.from(decoded.bytes).equals(bytes)).toBe(true);
    expect(decoded.printable).toBe(XML); // read as the UTF-16 it looks like
    const nul = decodeXmlBytes(Buffer.from('<a>\u0000\u0007\u00ff</a>'));
    expect(nul.ok ? '' : nul.printable).toBe('<a>\uFFFD\uFFFD\u00ff</a>');
    const invalid = decodeXmlBytes(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]));
    expect(invalid.ok ? '' : invalid.printable).toBe('<a>\uFFFD</a>');
  });
});
