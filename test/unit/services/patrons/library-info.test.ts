import { mailDomainOf } from '../../../../src/services/patrons/email-link';
import { patronLibraryOf } from '../../../../src/services/patrons/library-info';

const library = (settings: Record<string, unknown>) => ({ symbol: 'ISIL:DE-1', name: 'Stadtbibliothek', settings });
const ncip = { enabled: true, url: 'http://ils.example.org/ncip', fromAgencyId: 'ILL', toAgencyId: 'MAIN' };

describe('a library as its patron pages show it', () => {
  it('signs in with the card where NCIP checks patrons, and shows pickup locations without staff addresses', () => {
    expect(patronLibraryOf(library({ ncip, pickupLocations: [{ code: 'MAIN', name: 'Main desk', email: 'desk@example.org' }] }))).toEqual({
      symbol: 'ISIL:DE-1',
      name: 'Stadtbibliothek',
      language: 'en',
      acceptsRequests: true,
      signIn: 'ils',
      emailDomains: [],
      pickupLocations: [{ code: 'MAIN', name: 'Main desk' }],
      maxOpenRequests: 10,
    });
  });

  it('takes no requests where patrons have no way to sign in, or the patron side is off', () => {
    expect(patronLibraryOf(library({}))).toMatchObject({ acceptsRequests: false, signIn: null });
    expect(patronLibraryOf(library({ ncip: { ...ncip, steps: { lookupUser: false } } }))).toMatchObject({ acceptsRequests: false, signIn: null });
    expect(patronLibraryOf(library({ ncip, patrons: { enabled: false } }))).toMatchObject({ acceptsRequests: false, signIn: 'ils' });
  });

  it('names the e-mail domains only for e-mail sign-in', () => {
    expect(patronLibraryOf(library({ patrons: { emailDomains: ['uni.example.org'], language: 'de' } }))).toMatchObject({ signIn: 'email', emailDomains: ['uni.example.org'], language: 'de', acceptsRequests: true });
    expect(patronLibraryOf(library({ ncip, patrons: { emailDomains: ['uni.example.org'] } }))).toMatchObject({ signIn: 'ils', emailDomains: [] });
  });

  it('shows no pickup locations when the stored list does not validate', () => {
    expect(patronLibraryOf(library({ pickupLocations: [{ code: 'MAIN' }] })).pickupLocations).toEqual([]);
  });
});

describe('the domain of an address', () => {
  it.each([
    ['ada@uni.example.org', 'uni.example.org'],
    ['Ada@Uni.Example.ORG', 'uni.example.org'],
    ['"a@b"@uni.example.org', 'uni.example.org'],
  ])('%s is at %s', (email, domain) => expect(mailDomainOf(email)).toBe(domain));
});
