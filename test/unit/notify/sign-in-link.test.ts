/** The sign-in link mail: the link, how long it works and what to do with an unasked-for one, in the library's language. */
import { renderSignInLinkMail } from '../../../src/notify/sign-in-link';

const url = 'https://ill.example.org/patron/ISIL%3ADE-1/sign-in/abc_DEF-123?x=1&y=2';

describe('the sign-in link mail', () => {
  it('in English gives the link in both bodies, says it works once for 15 minutes, and signs with the library', () => {
    const { subject, text, html } = renderSignInLinkMail('en', { libraryName: 'Riverside Library', url, expiresMinutes: 15 });
    expect(subject).toBe('Your sign-in link: Riverside Library');
    expect(text).toContain(`\n${url}\n`);
    expect(text).toContain('The link works once, for 15 minutes.');
    expect(text).toContain('If you did not ask for it, you can ignore this mail');
    expect(text).toMatch(/Kind regards,\nRiverside Library\nInterlibrary loan\n$/);
    expect(html).toContain('<a href="https://ill.example.org/patron/ISIL%3ADE-1/sign-in/abc_DEF-123?x&#x3D;1&amp;y&#x3D;2">Sign in</a>');
  });

  it('in German speaks to the patron as Sie and writes the duration in German', () => {
    const { subject, text, html } = renderSignInLinkMail('de', { libraryName: 'Universitätsbibliothek Beispielstadt', url, expiresMinutes: 15 });
    expect(subject).toBe('Ihr Anmeldelink: Universitätsbibliothek Beispielstadt');
    expect(text).toContain('Guten Tag,');
    expect(text).toContain(`\n${url}\n`);
    expect(text).toContain('Der Link ist 15 Minuten lang gültig und kann nur einmal verwendet werden.');
    expect(text).toContain('Wenn Sie ihn nicht angefordert haben');
    expect(text).toMatch(/Mit freundlichen Grüßen\nUniversitätsbibliothek Beispielstadt\nFernleihe\n$/);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('>Anmelden</a>');
    const words = `${subject}\n${text}\n${html}`.replace(/https:\/\/\S+?(?=["<\n])/g, '');
    for (const english of ['sign', 'link works', 'Kind regards', 'Interlibrary', 'minutes']) expect(words).not.toContain(english);
  });

  it('says one minute, not one minutes', () => {
    expect(renderSignInLinkMail('en', { libraryName: 'L', url, expiresMinutes: 1 }).text).toContain('for 1 minute.');
    expect(renderSignInLinkMail('de', { libraryName: 'L', url, expiresMinutes: 1 }).text).toContain('1 Minute lang');
  });

  it('escapes the library name in HTML and keeps the subject on one line', () => {
    const { subject, html } = renderSignInLinkMail('en', { libraryName: 'A & B <Library>\nBcc: x@example.org', url, expiresMinutes: 15 });
    expect(subject).toBe('Your sign-in link: A & B <Library> Bcc: x@example.org');
    expect(html).toContain('A &amp; B &lt;Library&gt;');
    expect(html).not.toContain('<Library>');
  });
});
