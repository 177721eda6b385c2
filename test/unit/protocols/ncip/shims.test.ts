import { isAlreadyCheckedIn, recognizeProblem, userEmail, userName, userStanding, type UserOptionalFields } from '../../../../protocols/ncip';

const NOW = new Date('2024-06-01T00:00:00Z');
const privilege = (type: string, status?: string, validToDate?: string) => ({
  agencyId: { value: 'LIB' },
  agencyUserPrivilegeType: { value: type },
  ...(status !== undefined ? { userPrivilegeStatus: { userPrivilegeStatusType: { value: status } } } : {}),
  ...(validToDate !== undefined ? { validToDate } : {}),
});

describe('interpreting ILS answers', () => {
  it.each<[string, UserOptionalFields | undefined, 'active' | 'blocked']>([
    ['a STATUS=ACTIVE privilege (FOLIO mod-ncip)', { userPrivileges: [privilege('STATUS', 'ACTIVE')] }, 'active'],
    ['a STATUS=BLOCKED privilege (FOLIO mod-ncip)', { userPrivileges: [privilege('STATUS', 'BLOCKED')] }, 'blocked'],
    ['a profile privilege with status BARRED', { userPrivileges: [privilege('Faculty', 'Barred')] }, 'blocked'],
    ['a Y/N status (lib-ncip-client)', { userPrivileges: [privilege('STATUS', 'N')] }, 'blocked'],
    ['a privilege that has expired', { userPrivileges: [privilege('Book', undefined, '2020-01-01T00:00:00Z')] }, 'blocked'],
    ['a current BlockOrTrap (XC Aleph)', { blockOrTraps: [{ agencyId: { value: 'LIB' }, blockOrTrapType: { value: 'Overdue items' } }] }, 'blocked'],
    ['a BlockOrTrap that ended', { blockOrTraps: [{ agencyId: { value: 'LIB' }, blockOrTrapType: { value: 'Fines' }, validToDate: '2023-01-01T00:00:00Z' }] }, 'active'],
    ['a status-less single privilege', { userPrivileges: [privilege('Book', undefined, '2098-01-01T00:00:00Z')] }, 'active'],
    ['no optional fields at all', undefined, 'active'],
  ])('judges a patron with %s', (_name, fields, verdict) => {
    expect(userStanding(fields, NOW).verdict).toBe(verdict);
  });

  it('says why a patron is blocked', () => {
    expect(userStanding({ userPrivileges: [privilege('STATUS', 'BLOCKED')] }, NOW).reasons).toEqual(['STATUS=BLOCKED']);
  });

  it('finds the e-mail whatever the ILS calls the address type, and the name', () => {
    const address = (type: string, data: string) => ({ userAddressRoleType: { value: 'Notice' }, electronicAddress: { electronicAddressType: { value: type }, electronicAddressData: data } });
    expect(userEmail({ userAddressInformations: [address('tel', '+1'), address('mailserver', 'a@b.org')] })).toBe('a@b.org');
    expect(userEmail({ userAddressInformations: [address('emailAddress', 'mailto:c@d.org')] })).toBe('c@d.org');
    expect(userEmail({ userAddressInformations: [address('fax', 'N/A')] })).toBeUndefined();
    expect(userName({ nameInformation: { personalNameInformation: { structuredPersonalUserName: { givenName: 'Ada', surname: 'Lovelace' } } } })).toEqual({ givenName: 'Ada', surname: 'Lovelace', display: 'Ada Lovelace' });
    expect(userName({ nameInformation: { personalNameInformation: { unstructuredPersonalUserName: 'Lovelace, Ada' } } })).toEqual({ display: 'Lovelace, Ada' });
  });

  it('treats "already checked in" CheckInItem problems as done (ReShare mod-rs)', () => {
    expect(isAlreadyCheckedIn([{ problemType: { value: 'Item Not Checked Out' } }])).toBe(true);
    expect(isAlreadyCheckedIn([{ problemType: { value: '9022' } }])).toBe(true);
    expect(isAlreadyCheckedIn([{ problemType: { value: 'not on loan' } }])).toBe(true);
    expect(isAlreadyCheckedIn([{ problemType: { value: 'Temporary Processing Failure' } }])).toBe(false);
    expect(isAlreadyCheckedIn([])).toBe(false);
  });

  it('recognises standard problem types however they are spelled, and FOLIO’s unknown-user answer', () => {
    expect(recognizeProblem({ problemType: { value: 'user blocked' } })).toBe('User Blocked');
    expect(recognizeProblem({ problemType: { value: 'Lookup Failed' }, problemDetail: 'UNKNOWN_USER' })).toBe('Unknown User');
    expect(recognizeProblem({ problemType: { value: '' }, problemDetail: 'Did not find a user with that id' })).toBe('Unknown User');
    expect(recognizeProblem({ problemType: { value: 'Problem performing checkout' } })).toBeUndefined();
  });
});
