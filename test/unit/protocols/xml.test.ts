import { readXml, writeXml, childNamed } from '../../../protocols/xml';

describe('hardened XML reader', () => {
  it('resolves namespaces and local names whatever prefix the sender chose', () => {
    const result = readXml('<x:a xmlns:x="urn:ns" x:version="1.2"><x:b>one &amp; two &#65;</x:b><c>plain</c></x:a>');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.root).toMatchObject({ name: 'a', prefix: 'x', ns: 'urn:ns' });
    expect(result.root.attrs.version).toEqual({ value: '1.2', ns: 'urn:ns' });
    expect(childNamed(result.root, 'b')?.text).toBe('one & two A');
    expect(childNamed(result.root, 'c')?.ns).toBe('');
  });

  it('refuses a billion-laughs document as a DTD before parsing it', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(readXml(laughs)).toEqual({ ok: false, error: expect.objectContaining({ kind: 'dtd-forbidden' }) });
  });

  it('refuses an external entity (XXE) document', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(readXml(xxe)).toEqual({ ok: false, error: expect.objectContaining({ kind: 'dtd-forbidden' }) });
  });

  it('refuses documents over the size limit without parsing them', () => {
    expect(readXml('<a>' + 'x'.repeat(2000) + '</a>', { maxBytes: 1000 })).toEqual({ ok: false, error: expect.objectContaining({ kind: 'too-large' }) });
  });

  it.each(['', '   ', '<a><b></a>', 'not xml at all', '<a></a><b></b>', '<a x="1" x="2"/>'])('reports %p as a typed failure, never a throw', (input) => {
    const result = readXml(input);
    expect(result.ok).toBe(false);
  });

  it('leaves undeclared entities as written instead of expanding them', () => {
    const result = readXml('<a>&unknown; &lt;b&gt;</a>');
    expect(result.ok && result.root.text).toBe('&unknown; <b>');
  });

  it('writes escaped text and attributes that read back the same', () => {
    const xml = writeXml({ name: 'a', attrs: { note: 'x "y" & <z>' }, children: [{ name: 'b', text: 'fish & <chips>' }, { name: 'c', text: '' }] });
    const back = readXml(xml);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.root.attrs.note?.value).toBe('x "y" & <z>');
    expect(childNamed(back.root, 'b')?.text).toBe('fish & <chips>');
    expect(childNamed(back.root, 'c')).toBeDefined();
  });
});
